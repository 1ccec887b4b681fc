import NIOConcurrencyHelpers
import ParleyCore

/// Who a bearer token belongs to, remembered for a few seconds so that a busy client's requests
/// do not each look the token up. Revoking a token here forgets it at once; a revocation or a
/// change of the user made by another instance takes effect within ``maximumAge``.
final class APITokenCache: Sendable {
    static let maximumAge = Duration.seconds(5)
    /// Tokens remembered at most; past that the cache starts over rather than grow.
    static let capacity = 50_000

    let tokens: APITokenService
    private let entries = NIOLockedValueBox<[String: (user: User, readAt: ContinuousClock.Instant)]>([:])

    init(tokens: APITokenService) {
        self.tokens = tokens
    }

    /// The token's user; only tokens that exist are remembered, so a new one works at once.
    func user(for token: String) async throws -> User? {
        let now = ContinuousClock.now
        if let entry = entries.withLockedValue({ $0[token] }), now - entry.readAt < Self.maximumAge {
            return entry.user
        }
        guard let user = try await tokens.user(for: token) else { return nil }
        entries.withLockedValue { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = (user, now)
        }
        return user
    }

    func issue(for user: User) async throws -> String {
        try await tokens.issue(for: user)
    }

    /// Revokes the token and forgets it; true when it existed.
    func revoke(_ token: String) async throws -> Bool {
        entries.withLockedValue { _ = $0.removeValue(forKey: token) }
        return try await tokens.revoke(token)
    }
}
