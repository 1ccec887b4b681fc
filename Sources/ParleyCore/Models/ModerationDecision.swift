/// What a moderator decides about a case.
public enum ModerationDecision: Sendable, Equatable {
    /// Nothing wrong: the case closes and everything stays as it was.
    case dismiss
    /// The message the case is about is deleted.
    case deleteMessage
    /// A warning, written into the conversation for the person the case is about.
    case warn(String)
    /// The person the case is about is banned.
    case ban

    /// The few words the queue shows for a decided case.
    public var resolution: String {
        switch self {
        case .dismiss: "dismissed"
        case .deleteMessage: "message deleted"
        case .warn: "warned"
        case .ban: "user banned"
        }
    }
}
