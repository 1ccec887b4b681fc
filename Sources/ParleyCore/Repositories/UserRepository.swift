import Foundation
import SQLKit

/// Reads and writes `users`. Validation lives in ``UserService``.
public struct UserRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    public func find(id: Int64) async throws -> User? {
        try await db.raw("SELECT \(unsafeRaw: User.columns) FROM users WHERE id = \(bind: id)")
            .first().map(User.init(row:))
    }

    /// Looks an email up without regard to case (index users_email_lower_key).
    public func find(email: String) async throws -> User? {
        try await db.raw(
            "SELECT \(unsafeRaw: User.columns) FROM users WHERE lower(email) = lower(\(bind: email))"
        ).first().map(User.init(row:))
    }

    public func insert(
        name: String, email: String, role: UserRole, passwordHash: String, at now: Date
    )
        async throws -> User
    {
        let stamp = now.epochMilliseconds
        let row = try await db.raw(
            """
            INSERT INTO users (name, name_key, email, role, password_hash, created_at, updated_at)
            VALUES (\(bind: name), \(bind: SearchKey.fold(name)), \(bind: email), \(bind: role.rawValue),
                \(bind: passwordHash), \(bind: stamp), \(bind: stamp))
            RETURNING \(unsafeRaw: User.columns)
            """
        ).first()
        guard let row else { throw DatabaseUnavailable(description: "INSERT … RETURNING gave no row") }
        return try User(row: row)
    }

    public func updatePasswordHash(id: Int64, passwordHash: String, at now: Date) async throws {
        try await db.raw(
            """
            UPDATE users SET password_hash = \(bind: passwordHash), updated_at = \(bind: now.epochMilliseconds)
            WHERE id = \(bind: id)
            """
        ).run()
    }

    public func count(role: UserRole? = nil) async throws -> Int64 {
        let row =
            if let role {
                try await db.raw("SELECT COUNT(*) AS n FROM users WHERE role = \(bind: role.rawValue)").first()
            } else {
                try await db.raw("SELECT COUNT(*) AS n FROM users").first()
            }
        return try row?.int64("n") ?? 0
    }

    func update(
        id: Int64, name: String, email: String, role: UserRole, passwordHash: String?, at now: Date
    )
        async throws -> User?
    {
        let hash: SQLQueryString = passwordHash.map { ", password_hash = \(bind: $0)" } ?? ""
        return try await db.raw(
            """
            UPDATE users SET name = \(bind: name), name_key = \(bind: SearchKey.fold(name)), email = \(bind: email),
                role = \(bind: role.rawValue), updated_at = \(bind: now.epochMilliseconds)
            """ + hash + " WHERE id = \(bind: id) RETURNING \(unsafeRaw: User.columns)"
        ).first().map(User.init(row:))
    }

    /// Sets or clears the user's ban (`at` nil lifts it); an earlier ban keeps its time. Nil for an
    /// unknown user.
    func setBanned(id: Int64, at banTime: Date?, now: Date) async throws -> User? {
        let bannedAt: SQLQueryString =
            if let banTime { "COALESCE(banned_at, \(bind: banTime.epochMilliseconds))" } else { "NULL" }
        return try await db.raw(
            "UPDATE users SET banned_at = " + bannedAt + ", updated_at = \(bind: now.epochMilliseconds)"
                + " WHERE id = \(bind: id) RETURNING \(unsafeRaw: User.columns)"
        ).first().map(User.init(row:))
    }

    /// Ends every way the user is signed in: admin panel sessions and API tokens.
    func signOutEverywhere(id: Int64) async throws {
        try await db.raw("DELETE FROM web_sessions WHERE user_id = \(bind: id)").run()
        try await db.raw("DELETE FROM api_tokens WHERE user_id = \(bind: id)").run()
    }

    /// Whether the user's personal data was erased (``PersonalDataService``).
    func isErased(id: Int64) async throws -> Bool {
        try await db.raw("SELECT erased_at FROM users WHERE id = \(bind: id)").first()?
            .decode(column: "erased_at", as: Int64?.self) != nil
    }
}
