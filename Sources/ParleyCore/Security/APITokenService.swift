import Foundation
import SQLKit

/// Bearer tokens for the API: random, handed out once, stored only as hashes.
public struct APITokenService: Sendable {
    let database: Database
    /// Hears revocations, so that every instance forgets the token at once.
    let events: any ChatEventBus
    let clock: @Sendable () -> Date

    /// Without `events`, revocations are announced on a bus of the database's kind of their own
    /// (``Database/makeEventBus(logger:)``): other instances hear them, this process does not.
    public init(
        database: Database, events: (any ChatEventBus)? = nil, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.events = events ?? database.makeEventBus()
        self.clock = clock
    }

    /// Issues a new token for `user` and returns it; only its hash is kept. With an ``AuditContext``
    /// set (an administrator signing in to the API), the sign-in is audited in the same transaction.
    public func issue(for user: User) async throws -> String {
        let token = SecretToken.generate()
        let now = clock()
        try await database.write { db in
            try await db.raw(
                """
                INSERT INTO api_tokens (token_hash, user_id, created_at, last_used_at)
                VALUES (\(bind: SecretToken.hash(token)), \(bind: user.id), \(bind: now.epochMilliseconds),
                    \(bind: now.epochMilliseconds))
                """
            ).run()
            try await AuditLogRepository(db).appendAction(
                .signIn, target: .user, ids: [user.id], summary: "API token", at: now)
        }
        return token
    }

    /// The user a token belongs to, or nil for an unknown or revoked token, or a banned user's (a ban
    /// deletes their tokens; this also covers one issued in the moment before).
    public func user(for token: String) async throws -> User? {
        let columns = User.columns.split(separator: ",").map { "u." + $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: ", ")
        return try await database.read { db in
            try await db.raw(
                """
                SELECT \(unsafeRaw: columns) FROM api_tokens t JOIN users u ON u.id = t.user_id
                WHERE t.token_hash = \(bind: SecretToken.hash(token)) AND u.banned_at IS NULL
                """
            ).first().map(User.init(row:))
        }
    }

    /// Revokes a token; true when it existed.
    @discardableResult
    public func revoke(_ token: String) async throws -> Bool {
        try await database.write(publishingTo: events, at: clock()) { db in
            let row = try await db.raw(
                "DELETE FROM api_tokens WHERE token_hash = \(bind: SecretToken.hash(token)) RETURNING user_id"
            ).first()
            guard let userID = try row?.int64("user_id") else { return (false, []) }
            return (true, [.accessChanged(userID: userID)])
        }
    }
}
