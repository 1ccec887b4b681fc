import Foundation
import SQLKit

/// `unread_reminders` (migration 0014): per conversation and recipient, when an email about
/// unread messages falls due, and the last message one reported.
public struct UnreadReminderRepository: Sendable {
    let db: any SQLDatabase
    let engine: DatabaseEngine

    public init(_ db: any SQLDatabase, engine: DatabaseEngine) {
        self.db = db
        self.engine = engine
    }

    /// Locks the rows of `keys` that exist, in key order, until the transaction ends. A
    /// transaction that writes several reminders in more than one statement (the dispatcher's
    /// changes, the sender's outcomes) takes them this way first, so that two of them on PostgreSQL
    /// wait for each other in turn instead of each holding a row the other needs (a deadlock).
    public func lockInKeyOrder(_ keys: [ReminderKey]) async throws {
        guard !keys.isEmpty else { return }
        let wanted = engine.dialect.rows(
            [.int64("session_id", keys.map(\.sessionID)), .int64("user_id", keys.map(\.userID))], as: "k")
        try await db.raw(
            """
            SELECT chat_session_id FROM unread_reminders
            WHERE (chat_session_id, user_id) IN (SELECT k.session_id, k.user_id FROM \(wanted))
            ORDER BY chat_session_id, user_id\(unsafeRaw: engine.dialect.lockingSelectedRows)
            """
        ).run()
    }

    /// Applies the dispatcher's decisions, a statement per kind of change.
    public func apply(_ changes: [ReminderKey: ReminderChange]) async throws {
        try await lockInKeyOrder(Array(changes.keys))
        var keep: [SQLQueryString] = []
        var restart: [SQLQueryString] = []
        var cancel: [ReminderKey] = []
        for (key, change) in changes {
            switch change {
            case .schedule(let due, false):
                keep.append("(\(bind: key.sessionID), \(bind: key.userID), \(bind: due.epochMilliseconds))")
            case .schedule(let due, true):
                restart.append("(\(bind: key.sessionID), \(bind: key.userID), \(bind: due.epochMilliseconds))")
            case .cancel:
                cancel.append(key)
            }
        }
        // A session deleted since its event was logged has no row to refer to: the SELECT skips it.
        for (rows, overwrite) in [(keep, false), (restart, true)] where !rows.isEmpty {
            let dueAt: SQLQueryString =
                overwrite
                ? "excluded.due_at"
                : "CASE WHEN unread_reminders.due_at IS NULL OR unread_reminders.due_at > excluded.due_at "
                    + "THEN excluded.due_at ELSE unread_reminders.due_at END"
            try await db.raw(
                """
                WITH v(s, u, d) AS (VALUES \(rows.joined(separator: ", ")))
                INSERT INTO unread_reminders (chat_session_id, user_id, due_at)
                SELECT v.s, v.u, v.d FROM v
                WHERE EXISTS (SELECT 1 FROM chat_sessions s WHERE s.id = v.s)
                ON CONFLICT (chat_session_id, user_id) DO UPDATE SET due_at = \(dueAt)
                """
            ).run()
        }
        // Row values in a VALUES list: one statement for the whole batch on both engines.
        for start in stride(from: 0, to: cancel.count, by: 400) {
            let keys = cancel[start..<min(start + 400, cancel.count)].map {
                SQLQueryString("(\(bind: $0.sessionID), \(bind: $0.userID))")
            }
            try await db.raw(
                """
                UPDATE unread_reminders SET due_at = NULL, lease_until = NULL
                WHERE (chat_session_id, user_id) IN (VALUES \(keys.joined(separator: ", ")))
                """
            ).run()
        }
    }

    /// Leases up to `limit` due reminders until `leaseUntil`, in one statement. Call inside a
    /// write transaction.
    public func claimDue(at now: Date, limit: Int, leaseUntil: Date) async throws -> [ClaimedReminder] {
        let nowMS = now.epochMilliseconds
        // unread_reminders_due_idx holds only the rows with a due time.
        return try await db.raw(
            """
            UPDATE unread_reminders SET lease_until = \(bind: leaseUntil.epochMilliseconds), attempts = attempts + 1
            WHERE (chat_session_id, user_id) IN (
                SELECT r.chat_session_id, r.user_id FROM unread_reminders r
                WHERE r.due_at IS NOT NULL AND r.due_at <= \(bind: nowMS)
                    AND (r.lease_until IS NULL OR r.lease_until <= \(bind: nowMS))
                ORDER BY r.due_at LIMIT \(bind: limit)\(unsafeRaw: engine.dialect.claiming("r")))
            RETURNING chat_session_id, user_id, reported_through, attempts
            """
        ).all().map { row in
            ClaimedReminder(
                key: ReminderKey(sessionID: try row.int64("chat_session_id"), userID: try row.int64("user_id")),
                reportedThrough: try row.int64("reported_through"), attempt: Int(try row.int64("attempts")))
        }
    }

    /// Due again at `dueAt` (the oldest unread message became old enough later than thought).
    public func reschedule(_ key: ReminderKey, dueAt: Date?) async throws {
        try await db.raw(
            """
            UPDATE unread_reminders SET due_at = \(bind: dueAt?.epochMilliseconds), lease_until = NULL, attempts = 0
            WHERE chat_session_id = \(bind: key.sessionID) AND user_id = \(bind: key.userID)
            """
        ).run()
    }

    /// Reminders that went out (or were dropped), each reporting messages up to its `through`:
    /// nothing is due for them until a newer message arrives. One statement for them all.
    public func markReported(_ reports: [(key: ReminderKey, through: Int64)], at now: Date) async throws {
        guard !reports.isEmpty else { return }
        let reported = engine.dialect.rows(
            [
                .int64("session_id", reports.map(\.key.sessionID)),
                .int64("user_id", reports.map(\.key.userID)),
                .int64("through", reports.map(\.through)),
            ], as: "r")
        try await db.raw(
            """
            UPDATE unread_reminders SET due_at = NULL, lease_until = NULL, attempts = 0,
                reported_through = r.through, last_sent_at = \(bind: now.epochMilliseconds)
            FROM \(reported)
            WHERE unread_reminders.chat_session_id = r.session_id AND unread_reminders.user_id = r.user_id
            """
        ).run()
    }

    /// Sending failed for a reason that may pass: the lease keeps it until `retryAt`.
    public func retryLater(_ key: ReminderKey, at retryAt: Date) async throws {
        try await db.raw(
            """
            UPDATE unread_reminders SET lease_until = \(bind: retryAt.epochMilliseconds)
            WHERE chat_session_id = \(bind: key.sessionID) AND user_id = \(bind: key.userID)
            """
        ).run()
    }

    /// The soonest a reminder falls due, counting leases; nil when none is pending.
    public func nextDueAt() async throws -> Date? {
        try await db.raw(
            """
            SELECT MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > due_at THEN lease_until ELSE due_at END)
                AS due
            FROM unread_reminders WHERE due_at IS NOT NULL
            """
        ).first()?.optionalDate("due")
    }

    public func find(_ key: ReminderKey) async throws -> (dueAt: Date?, reportedThrough: Int64)? {
        guard
            let row = try await db.raw(
                """
                SELECT due_at, reported_through FROM unread_reminders
                WHERE chat_session_id = \(bind: key.sessionID) AND user_id = \(bind: key.userID)
                """
            ).first()
        else { return nil }
        return (try row.optionalDate("due_at"), try row.int64("reported_through"))
    }
}
