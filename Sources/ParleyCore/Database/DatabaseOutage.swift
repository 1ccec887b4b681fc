import Logging
import NIOConcurrencyHelpers

/// Notices when the database stops answering and when it answers again, so an outage is logged
/// twice (its start, with the cause, and its end, with how many operations failed meanwhile)
/// rather than once per request.
///
/// Only an operation that began after the outage did can end it: one already under way when the
/// connections broke may still complete (its answer was on the wire), which says nothing about
/// whether the database can be reached now.
final class DatabaseOutage: Sendable {
    private struct State {
        var isDown = false
        var failures = 0
        /// Counts outages; an operation notes it when it begins.
        var generation = 0
    }

    private let state = NIOLockedValueBox(State())
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    var isDown: Bool { state.withLockedValue { $0.isDown } }

    /// What an operation notes when it begins, to hand to ``succeeded(since:)``.
    var current: Int { state.withLockedValue { $0.generation } }

    func failed(_ error: any Error) {
        let first = state.withLockedValue { state in
            state.failures += 1
            guard !state.isDown else { return false }
            state.isDown = true
            state.generation += 1
            return true
        }
        if first {
            logger.error(
                "The database is unreachable; answering 503 until it is back",
                metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    /// An operation that began at `generation` (``current``) succeeded.
    func succeeded(since generation: Int) {
        let ended: Int? = state.withLockedValue { state in
            guard state.isDown, generation == state.generation else { return nil }
            defer { (state.isDown, state.failures) = (false, 0) }
            return state.failures
        }
        if let ended {
            logger.notice("The database is reachable again; \(ended) operations failed while it was not")
        }
    }
}
