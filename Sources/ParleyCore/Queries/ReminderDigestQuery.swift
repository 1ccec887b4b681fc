import Foundation
import SQLKit

/// Reads what a due reminder would report, in the transaction that decides about it.
public struct ReminderDigestQuery: Sendable {
    /// Messages listed in one email; the rest are counted.
    public static let shownLimit = 20

    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// Nil when the session or the recipient is gone, or the recipient no longer takes part.
    /// `messages` is empty when everything since the last reminder has been read.
    public func digest(for reminder: ClaimedReminder) async throws -> ReminderDigest? {
        let key = reminder.key
        guard
            let row = try await db.raw(
                """
                SELECT s.customer_id, s.vendor_id, p.name AS product_name, r.name AS recipient_name,
                    r.email AS recipient_email, r.email_reminders, c.name AS counterpart_name,
                    CASE WHEN EXISTS (SELECT 1 FROM chat_session_mutes m
                        WHERE m.chat_session_id = s.id AND m.user_id = r.id) THEN 1 ELSE 0 END AS muted
                FROM chat_sessions s
                JOIN products p ON p.id = s.product_id
                JOIN users r ON r.id = \(bind: key.userID)
                JOIN users c ON c.id = CASE WHEN s.customer_id = r.id THEN s.vendor_id ELSE s.customer_id END
                WHERE s.id = \(bind: key.sessionID) AND (s.customer_id = r.id OR s.vendor_id = r.id)
                """
            ).first()
        else { return nil }
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
        let settings = try await SettingsRepository(db).value(for: SettingsRepository.emailRemindersEnabledKey)
        let chatEnabled = try await SettingsRepository(db).isChatEnabled()
        return ReminderDigest(
            key: key, recipientName: try row.string("recipient_name"),
            recipientEmail: try row.string("recipient_email"), productName: try row.string("product_name"),
            counterpartName: try row.string("counterpart_name"), messages: messages, unreadCount: unreadCount,
            throughMessageID: newestID,
            isMuted: try row.int64("muted") != 0, wantsEmail: try row.int64("email_reminders") != 0,
            isAllowed: settings != "false" && chatEnabled)
    }
}
