import NIOConcurrencyHelpers
import ParleyCore
import ParleyTestSupport
import Testing

@Suite("Metrics the core reports")
struct CoreMetricsTests {
    /// Keeps every report, for the tests to read.
    final class RecordedMetrics: MetricsRecorder {
        struct Batch: Equatable {
            let sends: Int
            let messagesWritten: Int
            var path = TestDatabase.engine == .postgres ? SendBatchPath.oneStatement : .transaction
        }

        private let waits = NIOLockedValueBox<[Double]>([])
        private let batches = NIOLockedValueBox<[Batch]>([])

        var connectionWaits: [Double] { waits.withLockedValue { $0 } }
        var sendBatches: [Batch] { batches.withLockedValue { $0 } }

        func recordConnectionWait(seconds: Double) { waits.withLockedValue { $0.append(seconds) } }
        func recordSendBatch(sends: Int, messagesWritten: Int, path: SendBatchPath) {
            batches.withLockedValue { $0.append(Batch(sends: sends, messagesWritten: messagesWritten, path: path)) }
        }
        func recordBusLag(seconds: Double) {}
    }

    @Test func aWriteReportsItsWaitForAConnection() async throws {
        let metrics = RecordedMetrics()
        try await TestDatabase.withFresh(metrics: metrics) { database in
            let before = metrics.connectionWaits.count
            try await database.write { db in try await db.raw("SELECT 1").run() }
            let waits = metrics.connectionWaits.dropFirst(before)
            #expect(waits.count == 1)
            #expect(waits.allSatisfy { $0 >= 0 && $0 < 10 })
        }
    }

    @Test func eachSendBatchReportsItsSendsAndTheMessagesItWrote() async throws {
        try await ChatTestContext.run { context in
            let metrics = RecordedMetrics()
            let chat = ChatService(database: context.database, events: context.events, metrics: metrics)
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            _ = try await chat.send(sessionID: session.id, senderID: customer.id, body: "one", clientMessageID: "c-1")
            _ = try await chat.send(sessionID: session.id, senderID: customer.id, body: "one", clientMessageID: "c-1")
            #expect(
                metrics.sendBatches == [.init(sends: 1, messagesWritten: 1), .init(sends: 1, messagesWritten: 0)])
        }
    }
}
