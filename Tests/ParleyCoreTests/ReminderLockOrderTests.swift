import Foundation
@testable import ParleyCore
import ParleyTestSupport
import PostgresNIO
import SQLKit
import Testing

/// The dispatcher and the reminder sender each write several reminder rows in one transaction;
/// on PostgreSQL both lock them lowest key first, so neither can hold a row the other waits for
/// while waiting for one the other holds.
@Suite("Reminder rows locked in key order")
struct ReminderLockOrderTests {
    @Test func rowsGivenHighestFirstAreLockedLowestFirst() async throws {
        try await ChatTestContext.run { context in
            let database = context.database
            // SQLite has one writer and no row locks: nothing to order.
            guard database.engine == .postgres else { return }
            let first = try await context.fixtures.conversation(chat: context.chat)
            let second = try await context.fixtures.conversation(chat: context.chat)
            let low = ReminderKey(sessionID: first.session.id, userID: first.vendor.id)
            let high = ReminderKey(sessionID: second.session.id, userID: second.vendor.id)
            try await database.write { db in
                for key in [low, high] {
                    try await db.raw(
                        """
                        INSERT INTO unread_reminders (chat_session_id, user_id, due_at)
                        VALUES (\(bind: key.sessionID), \(bind: key.userID), 0)
                        """
                    ).run()
                }
            }
            try await database.withDedicatedConnection { holder in
                try await holder.sql().raw("BEGIN").run()
                try await holder.sql().raw("SELECT 1 FROM unread_reminders WHERE \(Self.row(high)) FOR UPDATE").run()
                let locker = Task {
                    try await database.write { db in
                        try await UnreadReminderRepository(db, engine: .postgres).lockInKeyOrder([high, low])
                    }
                }
                // Blocked on the higher row, the locker already holds the lower one.
                let lowHeld = try await Self.isLockedSoon(low, in: database)
                try await holder.sql().raw("ROLLBACK").run()
                try await locker.value
                #expect(lowHeld)
            }
        }
    }

    static func row(_ key: ReminderKey) -> SQLQueryString {
        "chat_session_id = \(bind: key.sessionID) AND user_id = \(bind: key.userID)"
    }

    /// Whether another transaction holds `key`'s row within 30 s, looked at every 20 ms.
    static func isLockedSoon(_ key: ReminderKey, in database: Database) async throws -> Bool {
        try await database.withDedicatedConnection { probe in
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let free = try await probe.sql().raw(
                    """
                    SELECT COUNT(*) AS n FROM (
                        SELECT 1 FROM unread_reminders WHERE \(row(key)) FOR UPDATE SKIP LOCKED) AS free
                    """
                ).first()?.decode(column: "n", as: Int64.self)
                if free == 0 { return true }
                try await Task.sleep(for: .milliseconds(20))
            }
            return false
        }
    }
}
