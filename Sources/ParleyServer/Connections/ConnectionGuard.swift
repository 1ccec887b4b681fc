import Logging
import NIOCore

/// Closes one connection when it misses a deadline of ``ConnectionDeadlines``. Shared by the two
/// watchers of a connection's pipeline, ``ConnectionByteWatcher`` (raw bytes, first in the
/// pipeline) and ``ConnectionHTTPWatcher`` (parsed requests and responses); used on the
/// connection's event loop only.
final class ConnectionGuard {
    private var deadlines: ConnectionDeadlines
    private let channel: any Channel
    private let logger: Logger
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?

    init(limits: ConnectionLimits, channel: any Channel, logger: Logger) {
        self.deadlines = ConnectionDeadlines(limits: limits, openedAt: .now())
        self.channel = channel
        self.logger = logger
    }

    func update(_ change: (inout ConnectionDeadlines, NIODeadline) -> Void) {
        change(&deadlines, .now())
        arm()
    }

    /// Whether the server has begun to stop, so that each response ends the connection.
    var isDraining: Bool { deadlines.drainingSince != nil }

    func stop() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
    }

    /// Keeps one timer at the earliest deadline. A deadline that moved later is found when the
    /// timer fires early and re-arms.
    private func arm() {
        guard let next = deadlines.next else {
            stop()
            return
        }
        if let timerDeadline, timerDeadline <= next.deadline { return }
        timer?.cancel()
        timerDeadline = next.deadline
        timer = channel.eventLoop.assumeIsolated().scheduleTask(deadline: next.deadline) { [self] in
            timer = nil
            timerDeadline = nil
            fire()
        }
    }

    private func fire() {
        guard let next = deadlines.next else { return }
        if next.deadline <= .now() {
            logger.debug("Closing a connection: \(next.reason.rawValue)")
            channel.close(promise: nil)
        } else {
            arm()
        }
    }
}
