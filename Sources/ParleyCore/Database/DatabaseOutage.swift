import Logging
import NIOConcurrencyHelpers

/// Notices when the database stops answering and when it answers again, so an outage is logged
/// twice (its start, with the cause, and its end, with how many operations failed meanwhile)
/// rather than once per request.
final class DatabaseOutage: Sendable {
    private struct State {
        var isDown = false
        var failures = 0
    }

    private let state = NIOLockedValueBox(State())
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func failed(_ error: any Error) {
        let first = state.withLockedValue { state in
            state.failures += 1
            defer { state.isDown = true }
            return !state.isDown
        }
        if first {
            logger.error(
                "The database is unreachable; answering 503 until it is back",
                metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    func succeeded() {
        let ended: Int? = state.withLockedValue { state in
            guard state.isDown else { return nil }
            defer { state = State() }
            return state.failures
        }
        if let ended {
            logger.notice("The database is reachable again; \(ended) operations failed while it was not")
        }
    }
}
