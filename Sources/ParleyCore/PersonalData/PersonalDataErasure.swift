/// What erasing a user's personal data changed.
public struct PersonalDataErasure: Sendable, Equatable {
    public var userID: Int64
    /// Messages they sent whose text was replaced by ``PersonalDataService/redactedBody``.
    public var messagesRedacted: Int
}
