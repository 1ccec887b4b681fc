import NIOConcurrencyHelpers

/// How many password checks one client address may have running at once. Failures are recorded
/// only after bcrypt has run, so without this a guesser firing many attempts together would have
/// them all checked before the first failure counted, queueing the owner behind them.
public final class SignInGate: Sendable {
    public static let checksPerClient = 2

    private let running = NIOLockedValueBox<[String: Int]>([:])

    public init() {}

    /// Takes a place for `client`; false when it already has ``checksPerClient`` running.
    func enter(_ client: String) -> Bool {
        running.withLockedValue { running in
            let count = running[client, default: 0]
            guard count < Self.checksPerClient else { return false }
            running[client] = count + 1
            return true
        }
    }

    func leave(_ client: String) {
        running.withLockedValue { running in
            let count = running[client, default: 0] - 1
            running[client] = count > 0 ? count : nil
        }
    }
}
