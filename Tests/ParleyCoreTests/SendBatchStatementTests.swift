import Foundation
import Logging
import NIOCore
@testable import ParleyCore
import ParleyTestSupport
import SQLKit
import Testing

/// How a batch of sends reaches the database: the lock reads the sessions and reserves the new
/// messages' ids, and the messages and counters go out with the event log's append.
@Suite("Send batch statements")
struct SendBatchStatementTests {
    /// Counts the statements sent through it.
    final class CountingDatabase: SQLDatabase, @unchecked Sendable {
        let database: any SQLDatabase
        private(set) var statements = 0

        init(_ database: any SQLDatabase) { self.database = database }

        var logger: Logger { database.logger }
        var eventLoop: any EventLoop { database.eventLoop }
        var version: (any SQLDatabaseReportedVersion)? { database.version }
        var dialect: any SQLKit.SQLDialect { database.dialect }
        var queryLogLevel: Logger.Level? { database.queryLogLevel }

        func execute(
            sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void
        ) -> EventLoopFuture<Void> {
            statements += 1
            return database.execute(sql: query, onRow)
        }
    }

    @Test(.enabled(if: TestDatabase.engine == .postgres))
    func aBatchOfSendsTakesTwoStatementsBetweenBeginAndCommitOnPostgres() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let (other, _, _, otherSession) = try await context.fixtures.conversation(chat: context.chat)
            let sends: [MessageSendBatcher.Send] = [
                .init(sessionID: session.id, senderID: customer.id, body: "one", clientMessageID: nil),
                .init(sessionID: otherSession.id, senderID: other.id, body: "two", clientMessageID: nil),
                .init(sessionID: session.id, senderID: vendor.id, body: "three", clientMessageID: nil),
            ]
            let engine = context.database.engine
            let headBefore = try await context.database.read { try await EventLogRepository($0).head() }
            let counted = try await context.database.write { db in
                let counting = CountingDatabase(db)
                let (outcomes, statements) = try await MessageSendBatcher.apply(
                    sends, at: Date(), engine: engine, on: counting)
                let events = try outcomes.map { outcome -> ChatEvent in
                    let (message, session) = try outcome.get()
                    return .messageCreated(message, session: try #require(session))
                }
                _ = try await EventLogRepository(counting).append(
                    events, origin: "test", at: Date(), announcingOn: "parley_test_batch", after: statements)
                return counting.statements
            }
            #expect(counted == 2)
            let stored = try #require(try await context.chat.findSession(id: session.id))
            #expect(stored.messagesCount == 2 && stored.customerUnreadCount == 1 && stored.vendorUnreadCount == 1)
            #expect(try await context.fixtures.tableCounts()["chat_messages"] == 3)
            #expect(try await context.database.read { try await EventLogRepository($0).head() } == headBefore + 3)
            #expect(try await CounterAudit(database: context.database).findDrift().isEmpty)
        }
    }

    @Test func aBatchsMessagesTakeTheReservedIdsInOrderAndLaterOnesComeAfter() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let earlier = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "0")
            let sends: [MessageSendBatcher.Send] = [
                .init(sessionID: session.id, senderID: customer.id, body: "1", clientMessageID: nil),
                .init(sessionID: 999_999, senderID: customer.id, body: "lost", clientMessageID: nil),
                .init(sessionID: session.id, senderID: customer.id, body: "2", clientMessageID: nil),
            ]
            let engine = context.database.engine
            let written = try await context.database.write { db in
                let (outcomes, statements) = try await MessageSendBatcher.apply(
                    sends, at: Date(), engine: engine, on: db)
                for statement in statements { try await db.raw(statement).run() }
                return [try outcomes[0].get().0, try outcomes[2].get().0]
            }
            #expect(written[0].id > earlier.id && written[1].id > written[0].id)
            let page = try await context.database.read {
                try await ChatMessageRepository($0).page(
                    sessionID: session.id, before: nil, after: earlier.id, limit: 10)
            }
            #expect(page.map(\.id) == written.map(\.id) && page.map(\.body) == ["1", "2"])
            let later = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "3")
            #expect(later.id > written[1].id)
        }
    }
}
