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
    let gate: SignInGate
    let clock: @Sendable () -> Date

    public init(database: Database, gate: SignInGate = .init(), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.gate = gate
        self.clock = clock
    }

    /// What came of one sign-in attempt.
    public enum Attempt: Sendable {
        case succeeded(User)
        /// Wrong email or password (or an account `accepts` turned down); counted as a failure.
        case failed
        /// Not checked at all: the caller must wait this many seconds.
        case throttled(retryAfter: TimeInterval)
    }

    /// One sign-in, start to end: waits owed are answered without checking the password; a check
    /// that fails is counted, and one that succeeds forgives this address's earlier failures.
    public func attempt(
        email: String, client: String, accepts: (User) -> Bool = { _ in true },
        authenticate: () async throws -> User?
    ) async throws -> Attempt {
        guard gate.enter(email: email, client: client) else { return .throttled(retryAfter: 1) }
        defer { gate.leave(email: email, client: client) }
        if let wait = try await retryAfter(email: email, client: client) { return .throttled(retryAfter: wait) }
        guard let user = try await authenticate(), accepts(user) else {
            try await recordFailure(email: email, client: client)
            return .failed
        }
        try await recordSuccess(email: email, client: client)
        return .succeeded(user)
    }

    /// "4 seconds", "2 minutes": a wait as a person reads it.
    public static func describe(_ wait: TimeInterval) -> String {
        let seconds = Int(wait.rounded(.up))
        if seconds < 60 { return "\(seconds) second\(seconds == 1 ? "" : "s")" }
        let minutes = (seconds + 59) / 60
        return "\(minutes) minute\(minutes == 1 ? "" : "s")"
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
