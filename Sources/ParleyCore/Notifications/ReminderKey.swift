/// Whose reminder about which conversation.
public struct ReminderKey: Sendable, Hashable {
    public var sessionID: Int64
    public var userID: Int64

    public init(sessionID: Int64, userID: Int64) {
        self.sessionID = sessionID
        self.userID = userID
    }
}
