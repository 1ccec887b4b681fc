import Foundation
import SQLKit

/// Slows password guessing: after too many recent failures for one email, or from one client,
/// sign-in is refused for a while, on every instance alike.
public struct SignInThrottle: Sendable {
    public static let window: TimeInterval = 15 * 60
    public static let failuresPerEmail = 5
    public static let failuresPerClient = 20

    let database: Database
    let clock: @Sendable () -> Date

    public init(database: Database, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.clock = clock
    }

    /// How long the caller must wait before trying again, or nil when they may try now.
    public func retryAfter(email: String, client: String) async throws -> TimeInterval? {
        let now = clock()
        let since = now.addingTimeInterval(-Self.window).epochMilliseconds
        let key = email.lowercased()
        return try await database.read { db in
            // Indexes sign_in_failures_email_idx and sign_in_failures_client_idx.
            let row = try await db.raw(
                """
                SELECT
                    (SELECT COUNT(*) FROM sign_in_failures
                        WHERE email = \(bind: key) AND failed_at > \(bind: since)) AS by_email,
                    (SELECT MIN(failed_at) FROM sign_in_failures
                        WHERE email = \(bind: key) AND failed_at > \(bind: since)) AS first_email,
                    (SELECT COUNT(*) FROM sign_in_failures
                        WHERE client = \(bind: client) AND failed_at > \(bind: since)) AS by_client,
                    (SELECT MIN(failed_at) FROM sign_in_failures
                        WHERE client = \(bind: client) AND failed_at > \(bind: since)) AS first_client
                """
            ).first()
            guard let row else { return nil }
            var waits: [TimeInterval] = []
            if try row.int64("by_email") >= Self.failuresPerEmail, let first = try row.optionalDate("first_email") {
                waits.append(first.addingTimeInterval(Self.window).timeIntervalSince(now))
            }
            if try row.int64("by_client") >= Self.failuresPerClient, let first = try row.optionalDate("first_client") {
                waits.append(first.addingTimeInterval(Self.window).timeIntervalSince(now))
            }
            return waits.max().map { max(1, $0) }
        }
    }

    public func recordFailure(email: String, client: String) async throws {
        let now = clock()
        try await database.write { db in
            try await db.raw(
                """
                INSERT INTO sign_in_failures (email, client, failed_at)
                VALUES (\(bind: email.lowercased()), \(bind: client), \(bind: now.epochMilliseconds))
                """
            ).run()
            let old = now.addingTimeInterval(-Self.window).epochMilliseconds
            try await db.raw("DELETE FROM sign_in_failures WHERE failed_at < \(bind: old)").run()
        }
    }

    /// A successful sign-in forgives that email's earlier failures.
    public func recordSuccess(email: String) async throws {
        try await database.write { db in
            try await db.raw("DELETE FROM sign_in_failures WHERE email = \(bind: email.lowercased())").run()
        }
    }
}
