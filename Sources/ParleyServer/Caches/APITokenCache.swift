import NIOConcurrencyHelpers
import ParleyCore
import ServiceLifecycle

/// Who a bearer token belongs to, remembered for a few seconds so that a busy client's requests
/// do not each look the token up.
///
/// As a service it follows the event bus: when a user's access changes anywhere (a token revoked,
/// an account edited, a password reset, on this instance or another), every token of that user
/// is forgotten at once. ``maximumAge`` bounds what could be missed: with a bus that hears other
/// processes (PostgreSQL's, which replays the log when it reconnects, within seconds since its
/// connection is checked every 5), entries live 30 s; on SQLite, where a command such as
/// `parley reset-password` changes the file from another process unheard, 5 s.
final class APITokenCache: Service, Sendable {
    static let maximumAge = Duration.seconds(30)
    static let maximumAgeUnheard = Duration.seconds(5)
    /// Tokens remembered at most; past that the cache starts over rather than grow.
    static let capacity = 50_000

    let tokens: APITokenService
    private let events: any ChatEventBus
    private let maximumAge: Duration
    private let entries = NIOLockedValueBox<[String: (user: User, readAt: ContinuousClock.Instant)]>([:])

    init(tokens: APITokenService, events: any ChatEventBus) {
        self.tokens = tokens
        self.events = events
        self.maximumAge = events.announcementChannel == nil ? Self.maximumAgeUnheard : Self.maximumAge
    }

    /// The token's user; only tokens that exist are remembered, so a new one works at once.
    func user(for token: String) async throws -> User? {
        let now = ContinuousClock.now
        if let entry = entries.withLockedValue({ $0[token] }), now - entry.readAt < maximumAge {
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

    /// Forgets every token of `userID`.
    func forget(userID: Int64) {
        entries.withLockedValue { entries in entries = entries.filter { $0.value.user.id != userID } }
    }

    func run() async throws {
        let changes = events.subscribe(bufferSize: 4096) { event in
            switch event {
            case .accessChanged, .userBanned: true
            default: false
            }
        }
        await cancelWhenGracefulShutdown {
            for await event in changes {
                switch event {
                case .accessChanged(let userID), .userBanned(let userID): self.forget(userID: userID)
                default: break
                }
            }
        }
    }
}
