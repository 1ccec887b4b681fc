/// What a user is in the marketplace. Administrators manage; customers and vendors chat.
public enum UserRole: String, Sendable, Codable, CaseIterable {
    case customer
    case vendor
    case admin
}
