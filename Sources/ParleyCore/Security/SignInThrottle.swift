import Foundation
import SQLKit

/// Slows password guessing without locking the owner out: failures count per (account, client
/// address) and per client address, and past a few free attempts each further failure doubles the
/// wait before the next try. A guesser elsewhere never delays the real owner's sign-in. The
/// failures live in the database, so every instance throttles alike.
public struct SignInThrottle: Sendable {
    /// How far back failures count.
    public static let window: TimeInterval = 60 * 60
    /// Wrong passwords for one account from one address before waits begin.
    public static let freeFailuresPerAccount = 5
    /// Wrong passwords from one address, whatever the account, before waits begin.
    public static let freeFailuresPerClient = 20
    /// The first wait; each further failure doubles it, up to ``maximumDelay``.
    public static let firstDelay: TimeInterval = 4
    public static let maximumDelay: TimeInterval = 15 * 60

    let database: Database
    let clock: @Sendable () -> Date

    public init(database: Database, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.clock = clock
    }

    /// The wait after `failures` failures, of which `free` cost nothing.
    public static func delay(afterFailures failures: Int, free: Int) -> TimeInterval {
        guard failures >= free else { return 0 }
        let doublings = min(failures - free, 20)
        return min(maximumDelay, firstDelay * pow(2, Double(doublings)))
    }

    /// How long the caller must wait before trying again, or nil when they may try now.
    public func retryAfter(email: String, client: String) async throws -> TimeInterval? {
        let now = clock()
        let since = now.addingTimeInterval(-Self.window).epochMilliseconds
        let key = email.lowercased()
        return try await database.read { db in
            // Index sign_in_failures_client_idx (client, failed_at) serves all four.
            let row = try await db.raw(
                """
                SELECT
                    (SELECT COUNT(*) FROM sign_in_failures WHERE client = \(bind: client)
                        AND email = \(bind: key) AND failed_at > \(bind: since)) AS by_account,
                    (SELECT MAX(failed_at) FROM sign_in_failures WHERE client = \(bind: client)
                        AND email = \(bind: key) AND failed_at > \(bind: since)) AS last_account,
                    (SELECT COUNT(*) FROM sign_in_failures
                        WHERE client = \(bind: client) AND failed_at > \(bind: since)) AS by_client,
                    (SELECT MAX(failed_at) FROM sign_in_failures
                        WHERE client = \(bind: client) AND failed_at > \(bind: since)) AS last_client
                """
            ).first()
            guard let row else { return nil }
            var waits: [TimeInterval] = []
            if let last = try row.optionalDate("last_account") {
                let delay = Self.delay(
                    afterFailures: Int(try row.int64("by_account")), free: Self.freeFailuresPerAccount)
                waits.append(last.addingTimeInterval(delay).timeIntervalSince(now))
            }
            if let last = try row.optionalDate("last_client") {
                let delay = Self.delay(afterFailures: Int(try row.int64("by_client")), free: Self.freeFailuresPerClient)
                waits.append(last.addingTimeInterval(delay).timeIntervalSince(now))
            }
            guard let wait = waits.max(), wait > 0 else { return nil }
            return max(1, wait)
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

    /// A successful sign-in forgives that account's earlier failures from the same address.
    public func recordSuccess(email: String, client: String) async throws {
        try await database.write { db in
            try await db.raw(
                """
                DELETE FROM sign_in_failures WHERE client = \(bind: client) AND email = \(bind: email.lowercased())
                """
            ).run()
        }
    }
}
