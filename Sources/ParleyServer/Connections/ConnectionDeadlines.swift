import NIOCore

/// When a connection must have made progress by, from what it has done so far. Pure state: the
/// watchers report bytes, requests and responses; ``ConnectionGuard`` asks for the next deadline.
struct ConnectionDeadlines {
    enum Reason: String {
        case headers = "request headers too slow"
        case body = "request body stalled"
        case idle = "idle keep-alive"
        case unread = "response not read"
        case draining = "server stopping"
    }

    let limits: ConnectionLimits
    /// Requests whose head has arrived and whose response has not ended.
    private(set) var requestsInFlight = 0
    /// The body being read: when its head arrived and when its last byte did.
    private var body: (headAt: NIODeadline, lastByteAt: NIODeadline)?
    /// The first byte of a request whose headers are not complete yet.
    private var headStartedAt: NIODeadline?
    /// When the connection last had nothing to do: its start, or the end of its last response.
    private var idleSince: NIODeadline
    private var hasServedRequest = false
    private var unwritableSince: NIODeadline?
    /// An upgraded (WebSocket) connection keeps its own pings; nothing here applies.
    private(set) var isUpgraded = false
    /// When the server began to stop; from then on each response ends the connection.
    private(set) var drainingSince: NIODeadline?

    init(limits: ConnectionLimits, openedAt: NIODeadline) {
        self.limits = limits
        self.idleSince = openedAt
    }

    mutating func bytesArrived(at now: NIODeadline) {
        if body != nil {
            body?.lastByteAt = now
        } else if headStartedAt == nil {
            headStartedAt = now
        }
    }

    mutating func requestHeadArrived(at now: NIODeadline) {
        requestsInFlight += 1
        headStartedAt = nil
        body = (now, now)
    }

    mutating func requestEnded() {
        body = nil
    }

    mutating func responseEnded(at now: NIODeadline) {
        requestsInFlight = max(0, requestsInFlight - 1)
        if requestsInFlight == 0 {
            idleSince = now
            hasServedRequest = true
        }
    }

    mutating func writabilityChanged(isWritable: Bool, at now: NIODeadline) {
        unwritableSince = isWritable ? nil : (unwritableSince ?? now)
    }

    mutating func upgraded() {
        isUpgraded = true
    }

    mutating func drain(at now: NIODeadline) {
        drainingSince = drainingSince ?? now
    }

    /// The earliest moment the connection is due to be closed, and why; nil when nothing is due.
    var next: (deadline: NIODeadline, reason: Reason)? {
        guard !isUpgraded else { return nil }
        var due: [(NIODeadline, Reason)] = []
        if let unwritableSince { due.append((unwritableSince + limits.writeStallTimeout, .unread)) }
        if let body {
            let stalled = body.lastByteAt + limits.bodyStallTimeout
            due.append((min(stalled, body.headAt + limits.bodyTimeout), .body))
        } else if let headStartedAt {
            due.append((headStartedAt + limits.headerTimeout, .headers))
        } else if requestsInFlight == 0 {
            // A new connection owes its first request as promptly as a started one owes its headers.
            due.append(
                hasServedRequest
                    ? (idleSince + limits.keepAliveTimeout, .idle) : (idleSince + limits.headerTimeout, .headers))
            if let drainingSince { due.append((drainingSince + limits.drainTimeout, .draining)) }
        }
        return due.min { $0.0 < $1.0 }
    }
}
