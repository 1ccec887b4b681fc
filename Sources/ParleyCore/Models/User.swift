import Foundation
import SQLKit

/// A person who can sign in: a customer, a vendor or an administrator.
public struct User: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var name: String
    public var email: String
    public var role: UserRole
    public var passwordHash: String
    public var createdAt: Date
    public var updatedAt: Date
    /// When an administrator banned the account; nil while it may sign in and send.
    public var bannedAt: Date?

    public var isBanned: Bool { bannedAt != nil }

    static let columns = "id, name, email, role, password_hash, created_at, updated_at, banned_at"

    init(row: any SQLRow) throws {
        id = try row.int64("id")
        name = try row.string("name")
        email = try row.string("email")
        let roleName = try row.string("role")
        guard let role = UserRole(rawValue: roleName) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown role \(roleName)"))
        }
        self.role = role
        passwordHash = try row.string("password_hash")
        createdAt = try row.date("created_at")
        updatedAt = try row.date("updated_at")
        bannedAt = try row.optionalDate("banned_at")
    }
}
