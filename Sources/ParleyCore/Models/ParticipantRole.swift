/// Which side of a conversation someone is on.
public enum ParticipantRole: String, Sendable, Codable, CaseIterable {
    case customer
    case vendor

    /// The side that receives what this side sends.
    public var counterpart: ParticipantRole {
        switch self {
        case .customer: .vendor
        case .vendor: .customer
        }
    }
}
