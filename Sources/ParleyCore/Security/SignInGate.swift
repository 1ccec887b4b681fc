import NIOConcurrencyHelpers

/// How many password checks may run at once for one account from one client address, and from
/// one address in all. Failures are recorded only after bcrypt has run, so without this a guesser
/// firing many attempts together would have them all checked before the first failure counted,
/// queueing the owner behind them. An office signing in many people at once stays within it.
public final class SignInGate: Sendable {
    public static let checksPerAccountAndClient = 2
    public static let checksPerClient = 8

    private let running = NIOLockedValueBox<[String: Int]>([:])

    public init() {}

    /// Takes a place for `email` from `client`; false, taking nothing, when either is full.
    func enter(email: String, client: String) -> Bool {
        let pair = Self.pairKey(email: email, client: client)
        return running.withLockedValue { running in
            guard running[pair, default: 0] < Self.checksPerAccountAndClient,
                running[client, default: 0] < Self.checksPerClient
            else { return false }
            running[pair, default: 0] += 1
            running[client, default: 0] += 1
            return true
        }
    }

    func leave(email: String, client: String) {
        let pair = Self.pairKey(email: email, client: client)
        running.withLockedValue { running in
            for key in [pair, client] {
                let count = running[key, default: 0] - 1
                running[key] = count > 0 ? count : nil
            }
        }
    }

    private static func pairKey(email: String, client: String) -> String {
        client + "\n" + email.lowercased()
    }
}
