import NIOConcurrencyHelpers

/// Open connections per client address, shared by every event loop: a connection over its
/// address's allowance is closed as soon as it is accepted.
final class ClientConnectionCounter: Sendable {
    private let counts = NIOLockedValueBox<[String: Int]>([:])
    let maximum: Int

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// Counts a new connection from `address`; false, counting nothing, when it has too many.
    func admit(_ address: String) -> Bool {
        counts.withLockedValue { counts in
            let open = counts[address, default: 0]
            guard open < maximum else { return false }
            counts[address] = open + 1
            return true
        }
    }

    func release(_ address: String) {
        counts.withLockedValue { counts in
            let open = counts[address, default: 0] - 1
            counts[address] = open > 0 ? open : nil
        }
    }

    func openConnections(from address: String) -> Int {
        counts.withLockedValue { $0[address, default: 0] }
    }
}
