/// Where a moderation case stands. A case is decided once.
public enum ModerationCaseState: String, Sendable, Codable, CaseIterable {
    case open
    /// Looked at and left as it was.
    case dismissed
    /// A moderator deleted the message, warned or banned.
    case actioned
}
