import Foundation
import Logging
import SQLKit
@testable import ParleyCore
import ParleyTestSupport
import Testing

/// Events cross instances through PostgreSQL (issue 10): each change NOTIFYs once with its commit,
/// other instances' buses deliver it, and a bus that lost its listening connection replays what
/// it missed from the event log. Two buses on one database stand for two instances.
@Suite("PostgreSQL event bus", .enabled(if: TestDatabase.engine == .postgres))
struct PostgresEventBusTests {
    static let logger = Logger(label: "test")

    /// Runs `bus` as its server would, listening, while `body` runs.
    static func listening<T: Sendable>(_ bus: PostgresEventBus, _ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await bus.run() }
            defer { group.cancelAll() }
            await bus.waitUntilListening()
            return try await body()
        }
    }

    @Test func aMessageSentOnOneInstanceReachesAnotherInstancesSubscribers() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let other = PostgresEventBus(database: context.database, logger: Self.logger)
            let heard = EventRecorder(stream: other.subscribe(bufferSize: 100, from: .otherInstances))
            let (sent, events) = try await Self.listening(other) {
                let sent = try await context.chat.sendMessage(
                    sessionID: session.id, senderID: customer.id, body: "Is it oak?")
                return (sent, await heard.events(atLeast: 1))
            }
            guard case .messageCreated(let message, let after)? = events.first else {
                Issue.record("no message reached the other instance")
                return
            }
            #expect(message == sent)
            #expect(after.messagesCount == 1)
        }
    }

    @Test func anInstanceDeliversItsOwnEventsOnceAndNotAsOthers() async throws {
        try await ChatTestContext.run { context in
            let bus = PostgresEventBus(database: context.database, logger: Self.logger)
            let chat = ChatService(database: context.database, events: bus)
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: chat)
            let all = EventRecorder(stream: bus.subscribe(bufferSize: 100, from: .everyInstance))
            let others = EventRecorder(stream: bus.subscribe(bufferSize: 100, from: .otherInstances))
            try await Self.listening(bus) {
                _ = try await chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "one")
                _ = try await chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "two")
                // Long enough for the announcements to come back to this bus.
                _ = await others.events(atLeast: 1)
            }
            #expect(await all.events(atLeast: 2).map(\.type) == ["message.created", "message.created"])
            #expect(await others.events().isEmpty)
        }
    }

    @Test func eventsTooLargeForANotificationAreReadFromTheLog() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let other = PostgresEventBus(database: context.database, logger: Self.logger)
            let heard = EventRecorder(stream: other.subscribe(bufferSize: 100, from: .otherInstances))
            // 5,000 two-byte letters: past the 8,000-byte NOTIFY payload.
            let body = String(repeating: "é", count: ChatService.maximumBodyLength)
            let (sent, events) = try await Self.listening(other) {
                let sent = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: body)
                return (sent, await heard.events(atLeast: 1))
            }
            guard case .messageCreated(let message, _)? = events.first else {
                Issue.record("the large message did not reach the other instance")
                return
            }
            #expect(message == sent)
        }
    }

    @Test func aBusThatLostItsConnectionReplaysWhatItMissedInOrderOnce() async throws {
        try await TCPProxy.withProxiedDatabase(poolSize: 2, logger: Self.logger) { proxy, proxied, location in
            let direct = try await Database.open(.init(location: location, poolSize: 2), logger: Self.logger)
            defer { Task { await direct.close() } }
            let chat = ChatService(database: direct, events: direct.makeEventBus())
            let (customer, _, _, session) = try await Fixtures(database: direct).conversation(chat: chat)
            let other = PostgresEventBus(database: proxied, logger: Self.logger)
            let heard = EventRecorder(stream: other.subscribe(bufferSize: 100, from: .otherInstances))
            var sent: [Int64] = []
            try await Self.listening(other) {
                sent.append(try await chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "0").id)
                _ = await heard.events(atLeast: 1)
                try await proxy.cut()
                while other.isListening { try await Task.sleep(for: .milliseconds(10)) }
                for body in ["1", "2", "3"] {
                    sent.append(try await chat.sendMessage(sessionID: session.id, senderID: customer.id, body: body).id)
                }
                try await proxy.resume()
                await other.waitUntilListening()
                sent.append(try await chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "4").id)
                _ = await heard.events(atLeast: 5)
            }
            let received = await heard.events().compactMap { event -> Int64? in
                guard case .messageCreated(let message, _) = event else { return nil }
                return message.id
            }
            #expect(received == sent)
        }
    }

    struct Failure: Error {}

    @Test func aChangeRolledBackAfterItsAnnouncementIsNeitherHeardNorLeavesAGap() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let other = PostgresEventBus(database: context.database, logger: Self.logger)
            let heard = EventRecorder(stream: other.subscribe(bufferSize: 100, from: .otherInstances))
            let channel = try #require(context.events.announcementChannel)
            try await Self.listening(other) {
                // Logged and announced, then something fails before the commit.
                await #expect(throws: Failure.self) {
                    try await context.database.write { db in
                        _ = try await EventLogRepository(db).append(
                            [.chatAvailabilityChanged(enabled: false)], origin: "gone", at: Date(),
                            announcingOn: channel)
                        throw Failure()
                    }
                }
                _ = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "kept")
                _ = await heard.events(atLeast: 1)
            }
            #expect(await heard.events().map(\.type) == ["message.created"])
            let positions = try await context.database.read { db in
                try await db.raw("SELECT position FROM event_log ORDER BY position").all().map {
                    try $0.decode(column: "position", as: Int64.self)
                }
            }
            #expect(positions == Array(1...Int64(positions.count)))
        }
    }
}
