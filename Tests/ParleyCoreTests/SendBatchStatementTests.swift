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

    static func threeSends(
        in context: ChatTestContext
    ) async throws -> (sends: [MessageSendBatcher.Send], session: ChatSession) {
        let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
        let (other, _, _, otherSession) = try await context.fixtures.conversation(chat: context.chat)
        let sends: [MessageSendBatcher.Send] = [
            .init(sessionID: session.id, senderID: customer.id, body: "one", clientMessageID: nil),
            .init(sessionID: otherSession.id, senderID: other.id, body: "two", clientMessageID: nil),
            .init(sessionID: session.id, senderID: vendor.id, body: "three", clientMessageID: nil),
        ]
        return (sends, session)
    }

    /// Applies `sends` on `db` and logs their events with the statements, as the batcher does;
    /// `meanwhile` runs between the two.
    static func write(
        _ sends: [MessageSendBatcher.Send], locking: Bool, on db: any SQLDatabase, engine: DatabaseEngine,
        meanwhile: () async throws -> Void = {}
    ) async throws {
        let applied = try await MessageSendBatcher.apply(sends, at: Date(), engine: engine, on: db, locking: locking)
        try await meanwhile()
        let events = try applied.outcomes.map { outcome -> ChatEvent in
            let (message, session) = try outcome.get()
            return .messageCreated(message, session: try #require(session))
        }
        _ = try await EventLogRepository(db).append(
            events, origin: "test", at: Date(), announcingOn: "parley_test_batch", after: applied.statements,
            when: applied.condition)
    }

    static func expectThreeWritten(in session: ChatSession, headBefore: Int64, _ context: ChatTestContext) async throws
    {
        let stored = try #require(try await context.chat.findSession(id: session.id))
        #expect(stored.messagesCount == 2 && stored.customerUnreadCount == 1 && stored.vendorUnreadCount == 1)
        #expect(try await context.fixtures.tableCounts()["chat_messages"] == 3)
        #expect(try await context.database.read { try await EventLogRepository($0).head() } == headBefore + 3)
        #expect(try await CounterAudit(database: context.database).findDrift().isEmpty)
    }

    @Test(.enabled(if: TestDatabase.engine == .postgres))
    func aBatchUnderLockTakesTwoStatementsBetweenBeginAndCommitOnPostgres() async throws {
        try await ChatTestContext.run { context in
            let (sends, session) = try await Self.threeSends(in: context)
            let engine = context.database.engine
            let headBefore = try await context.database.read { try await EventLogRepository($0).head() }
            let counted = try await context.database.write { db in
                let counting = CountingDatabase(db)
                try await Self.write(sends, locking: true, on: counting, engine: engine)
                return counting.statements
            }
            #expect(counted == 2)
            try await Self.expectThreeWritten(in: session, headBefore: headBefore, context)
        }
    }

    @Test(.enabled(if: TestDatabase.engine == .postgres))
    func aBatchWithoutLocksTakesTwoStatementsAndNoTransactionOnPostgres() async throws {
        try await ChatTestContext.run { context in
            let (sends, session) = try await Self.threeSends(in: context)
            let engine = context.database.engine
            let headBefore = try await context.database.read { try await EventLogRepository($0).head() }
            let counted = try await context.database.read { db in
                let counting = CountingDatabase(db)
                try await Self.write(sends, locking: false, on: counting, engine: engine)
                return counting.statements
            }
            #expect(counted == 2)
            try await Self.expectThreeWritten(in: session, headBefore: headBefore, context)
        }
    }

    @Test(.enabled(if: TestDatabase.engine == .postgres))
    func aBatchWithoutLocksWritesNothingWhenASessionChangedAfterItWasRead() async throws {
        try await ChatTestContext.run { context in
            let (sends, session) = try await Self.threeSends(in: context)
            let engine = context.database.engine
            let headBefore = try await context.database.read { try await EventLogRepository($0).head() }
            await #expect(throws: ConcurrentChange.self) {
                try await context.database.read { db in
                    try await Self.write(sends, locking: false, on: db, engine: engine) {
                        // Someone else writes to the first session between the batch's read and its write.
                        _ = try await context.chat.sendMessage(
                            sessionID: session.id, senderID: sends[0].senderID, body: "x")
                    }
                }
            }
            let stored = try #require(try await context.chat.findSession(id: session.id))
            #expect(stored.messagesCount == 1)
            #expect(try await context.fixtures.tableCounts()["chat_messages"] == 1)
            #expect(try await context.database.read { try await EventLogRepository($0).head() } == headBefore + 1)
            #expect(try await CounterAudit(database: context.database).findDrift().isEmpty)
        }
    }

    @Test(.enabled(if: TestDatabase.engine == .postgres))
    func sendsOnPostgresAreWrittenInOneStatementUnlessTheyOpenAModerationCase() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "hello")
            #expect(context.chat.sendStatistics.paths == [.oneStatement: 1])
            try await SettingsService(database: context.database).setContactDetailPolicy(.flag)
            let flagged = try await context.chat.sendMessage(
                sessionID: session.id, senderID: customer.id, body: "call me on +44 7700 900123")
            #expect(flagged.flags == [.contactDetails])
            #expect(context.chat.sendStatistics.paths == [.oneStatement: 1, .transaction: 1])
            #expect(try await context.database.read { try await ModerationCaseRepository($0).openCount() } == 1)
        }
    }

    @Test(.enabled(if: TestDatabase.engine == .postgres))
    func aSendWhoseSessionChangesBeforeItsStatementLocksItIsWrittenAgainInATransaction() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let send = try await context.database.write { db in
                // Another writer holds the session: the send reads it unlocked, then its statement waits.
                try await db.raw("SELECT id FROM chat_sessions WHERE id = \(bind: session.id) FOR UPDATE").run()
                let send = Task {
                    try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "late")
                }
                // Asked on this connection, since the send holds the only other one the tests' pool has;
                // the activity view is read afresh each time (a transaction otherwise keeps its first look).
                let waiting = try await eventually {
                    try await db.raw("SELECT pg_stat_clear_snapshot()").run()
                    return try await db.raw(
                        "SELECT count(*) AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                            + " WHERE NOT l.granted AND a.datname = current_database()"
                    ).first(decodingColumn: "n", as: Int.self) == 1
                }
                #expect(waiting)
                // What that writer changes (any change shows in updated_at) commits before the send goes on.
                try await db.raw("UPDATE chat_sessions SET updated_at = updated_at + 1 WHERE id = \(bind: session.id)")
                    .run()
                return send
            }
            let sent = try await send.value
            #expect(context.chat.sendStatistics.paths == [.transactionAfterChange: 1])
            let stored = try #require(try await context.chat.findSession(id: session.id))
            #expect(stored.messagesCount == 1 && stored.lastMessageAt == sent.createdAt)
            #expect(try await context.fixtures.tableCounts()["chat_messages"] == 1)
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
                let applied = try await MessageSendBatcher.apply(
                    sends, at: Date(), engine: engine, on: db, locking: true)
                for (_, statement) in applied.statements { try await db.raw(statement).run() }
                return [try applied.outcomes[0].get().0, try applied.outcomes[2].get().0]
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
