/// Why a case is in the moderation queue: the reason a participant gave, or the detector's.
public enum ModerationReason: String, Sendable, Codable, CaseIterable {
    case spam
    case scam
    case harassment
    case offPlatform = "off_platform"
    case other
    /// Raised by the contact-detail detector, never by a report.
    case contactDetails = "contact_details"

    /// The reasons a participant may give.
    public static let reportable: [ModerationReason] = [.spam, .scam, .harassment, .offPlatform, .other]

    public var label: String {
        switch self {
        case .spam: "Spam"
        case .scam: "Scam"
        case .harassment: "Harassment"
        case .offPlatform: "Taking the deal off the marketplace"
        case .other: "Other"
        case .contactDetails: "Contact details detected"
        }
    }
}
