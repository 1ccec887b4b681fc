import Foundation

/// What an unread reminder reports: the recipient, the conversation and the messages they have not
/// read since the last reminder, oldest first.
public struct ReminderDigest: Sendable, Equatable {
    public struct Message: Sendable, Equatable {
        public var id: Int64
        public var senderName: String
        public var body: String
        public var createdAt: Date
    }

    public var key: ReminderKey
    public var recipientName: String
    public var recipientEmail: String
    public var productName: String
    /// The other participant's name.
    public var counterpartName: String
    /// At most ``ReminderDigestQuery/shownLimit``, the oldest first.
    public var messages: [Message]
    /// All unread messages since the last reminder, shown or not.
    public var unreadCount: Int
    /// The newest unread message; the next reminder reports only newer ones.
    public var throughMessageID: Int64
    /// The recipient muted the conversation: no reminder of any kind.
    public var isMuted: Bool
    /// The recipient keeps email reminders on.
    public var wantsEmail: Bool
    /// Administrators keep reminders on, and chat itself.
    public var isAllowed: Bool
}
