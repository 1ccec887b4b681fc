import Foundation
import SQLKit

/// Reads what due reminders would report, a round of them at a time.
public struct ReminderDigestQuery: Sendable {
    /// Messages listed in one email; the rest are counted.
    public static let shownLimit = 20

    let db: any SQLDatabase
    let engine: DatabaseEngine

    public init(_ db: any SQLDatabase, engine: DatabaseEngine) {
        self.db = db
        self.engine = engine
    }

    /// What each reminder would report, in the order given: nil when its session or recipient is
    /// gone, or the recipient no longer takes part; `messages` empty when everything since the
    /// last reminder has been read. One statement finds the conversations and recipients of them
    /// all, the settings are read once, and each reminder's unread messages take one more.
    public func digests(for reminders: [ClaimedReminder]) async throws -> [ReminderDigest?] {
        guard !reminders.isEmpty else { return [] }
        let keys = engine.dialect.rows(
            [
                .int64("session_id", reminders.map(\.key.sessionID)),
                .int64("user_id", reminders.map(\.key.userID)),
            ], as: "k")
        let found = try await db.raw(
            """
            SELECT k.ord, s.customer_id, p.name AS product_name, r.name AS recipient_name,
                r.email AS recipient_email, r.email_reminders, c.name AS counterpart_name,
                CASE WHEN EXISTS (SELECT 1 FROM chat_session_mutes m
                    WHERE m.chat_session_id = s.id AND m.user_id = r.id) THEN 1 ELSE 0 END AS muted
            FROM \(keys)
            JOIN chat_sessions s ON s.id = k.session_id
            JOIN products p ON p.id = s.product_id
            JOIN users r ON r.id = k.user_id
            JOIN users c ON c.id = CASE WHEN s.customer_id = r.id THEN s.vendor_id ELSE s.customer_id END
            WHERE s.customer_id = r.id OR s.vendor_id = r.id
            """
        ).all().reduce(into: [Int: any SQLRow]()) { $0[Int(try $1.int64("ord")) - 1] = $1 }
        let settings = SettingsRepository(db)
        let remindersEnabled = try await settings.isEmailRemindersEnabled()
        let chatEnabled = try await settings.isChatEnabled()
        let isAllowed = remindersEnabled && chatEnabled
        // Queued on the connection together: it runs them one after another, but the caller need
        // not get a core between each answer and the next question, which on a busy machine (and a
        // lowered notification thread) took longer than the queries.
        return try await withThrowingTaskGroup(of: (Int, ReminderDigest).self) { group in
            for (index, reminder) in reminders.enumerated() {
                guard let row = found[index] else { continue }
                group.addTask { (index, try await digest(for: reminder, from: row, isAllowed: isAllowed)) }
            }
            var digests = [ReminderDigest?](repeating: nil, count: reminders.count)
            for try await (index, digest) in group { digests[index] = digest }
            return digests
        }
    }

    /// One reminder's digest: its conversation's row from ``digests(for:)`` and its unread messages.
    private func digest(
        for reminder: ClaimedReminder, from row: any SQLRow, isAllowed: Bool
    ) async throws
        -> ReminderDigest
    {
        let key = reminder.key
        let senderRole = try row.int64("customer_id") == key.userID ? "vendor" : "customer"
        // chat_messages_session_idx walks the session's messages after the last one reported;
        // a long backlog is counted, not read.
        let unreadSince: SQLQueryString = """
            m.chat_session_id = \(bind: key.sessionID) AND m.id > \(bind: reminder.reportedThrough)
                AND m.read_at IS NULL AND m.sender_role = \(bind: senderRole)
            """
        let shown = try await db.raw(
            """
            SELECT m.id, m.body, m.created_at, u.name AS sender_name
            FROM chat_messages m JOIN users u ON u.id = m.sender_id
            WHERE \(unreadSince)
            ORDER BY m.id LIMIT \(bind: Self.shownLimit)
            """
        ).all()
        let messages = try shown.map { row in
            ReminderDigest.Message(
                id: try row.int64("id"), senderName: try row.string("sender_name"), body: try row.string("body"),
                createdAt: try row.date("created_at"))
        }
        var unreadCount = messages.count
        var newestID = messages.last?.id ?? reminder.reportedThrough
        if messages.count == Self.shownLimit,
            let totals = try await db.raw(
                "SELECT COUNT(*) AS unread, MAX(m.id) AS newest FROM chat_messages m WHERE \(unreadSince)"
            ).first()
        {
            unreadCount = Int(try totals.int64("unread"))
            newestID = try totals.int64("newest")
        }
        return ReminderDigest(
            key: key, recipientName: try row.string("recipient_name"),
            recipientEmail: try row.string("recipient_email"), productName: try row.string("product_name"),
            counterpartName: try row.string("counterpart_name"), messages: messages, unreadCount: unreadCount,
            throughMessageID: newestID,
            isMuted: try row.int64("muted") != 0, wantsEmail: try row.int64("email_reminders") != 0,
            isAllowed: isAllowed)
    }
}
