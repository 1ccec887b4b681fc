import Foundation
import SQLKit

/// A signed-in browser: who it is and the token its forms must echo back.
public struct WebSession: Sendable, Equatable {
    public var user: User
    public var csrfToken: String
    public var expiresAt: Date
}

/// Browser sign-in sessions, kept in the database so they survive restarts and work on every
/// instance. The cookie carries a random token; the table holds only its hash.
public struct WebSessionService: Sendable {
    public static let lifetime: TimeInterval = 12 * 3_600

    let database: Database
    let clock: @Sendable () -> Date

    public init(database: Database, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.clock = clock
    }

    /// Starts a session for `user` and returns the token to set as the cookie; the audit log records
    /// the sign-in when an ``AuditContext`` is set (the admin panel sets it to `user`).
    public func start(for user: User) async throws -> (token: String, session: WebSession) {
        let token = SecretToken.generate()
        let csrf = SecretToken.generate()
        let now = clock()
        let expires = now.addingTimeInterval(Self.lifetime)
        try await database.write { db in
            // Expired rows go whenever someone signs in (index web_sessions_expires_idx).
            try await db.raw("DELETE FROM web_sessions WHERE expires_at < \(bind: now.epochMilliseconds)").run()
            try await db.raw(
                """
                INSERT INTO web_sessions (token_hash, user_id, csrf_token, created_at, expires_at)
                VALUES (\(bind: SecretToken.hash(token)), \(bind: user.id), \(bind: csrf),
                    \(bind: now.epochMilliseconds), \(bind: expires.epochMilliseconds))
                """
            ).run()
            try await AuditLogRepository(db).appendAction(.signIn, target: .user, ids: [user.id], at: now)
        }
        return (token, WebSession(user: user, csrfToken: csrf, expiresAt: expires.storedPrecision))
    }

    /// The live session for a cookie token, with its user, or nil.
    public func find(token: String) async throws -> WebSession? {
        let now = clock().epochMilliseconds
        let columns = User.columns.split(separator: ",").map { "u." + $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: ", ")
        return try await database.read { db in
            guard
                let row = try await db.raw(
                    """
                    SELECT \(unsafeRaw: columns), w.csrf_token, w.expires_at AS session_expires_at
                    FROM web_sessions w JOIN users u ON u.id = w.user_id
                    WHERE w.token_hash = \(bind: SecretToken.hash(token)) AND w.expires_at > \(bind: now)
                    """
                ).first()
            else { return nil }
            return WebSession(
                user: try User(row: row), csrfToken: try row.string("csrf_token"),
                expiresAt: try row.date("session_expires_at"))
        }
    }

    /// Ends the session of a cookie token; the audit log records the sign-out of the administrator
    /// acting (``AuditContext/current``).
    public func end(token: String) async throws {
        let now = clock()
        try await database.write { db in
            guard
                let row = try await db.raw(
                    "DELETE FROM web_sessions WHERE token_hash = \(bind: SecretToken.hash(token)) RETURNING user_id"
                ).first()
            else { return }
            try await AuditLogRepository(db).appendAction(
                .signOut, target: .user, ids: [try row.int64("user_id")], at: now)
        }
    }
}
