import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// POSTs webhook deliveries over HTTP/1.1, keeping connections alive per receiver's origin.
///
/// Made for many small posts to a few receivers: a post is its request written at once and its
/// answer read and dropped, with nothing else per request (measured against AsyncHTTPClient in
/// BENCHMARKS.md). At most `connectionsPerOrigin` connections are open to an origin; posts beyond
/// them wait for one to be free. A connection idle for `idleTimeout` is closed, before a receiver
/// would close it under a request. `https` verifies the receiver's certificate against the
/// system's trust roots (and those of `trustRootsFile`, when given).
public final class WebhookHTTPClient: Sendable {
    private struct Pool {
        /// Free connections, the most recently used last, with when each was put back.
        var idle: [(connection: WebhookConnection, since: NIODeadline)] = []
        var open = 0
        var waiters: [CheckedContinuation<Grant, Never>] = []
        /// Whether a sweep of connections idle too long is due.
        var sweepIsScheduled = false
    }

    /// What a post waiting for a connection gets.
    private enum Grant {
        case connection(WebhookConnection)
        /// Room to open a connection, already counted as open.
        case connect
        case shutDown
    }

    private struct State {
        var pools: [WebhookTarget.Origin: Pool] = [:]
        var isShutDown = false
    }

    public let connectionsPerOrigin: Int
    private let idleTimeout: Duration
    private let trustRootsFile: String?
    private let group: any EventLoopGroup
    private let state = NIOLockedValueBox(State())
    /// Made at the first `https` post: loading the trust roots is not free.
    private let tlsContext = NIOLockedValueBox<NIOSSLContext?>(nil)

    public init(
        connectionsPerOrigin: Int, idleTimeout: Duration = .seconds(4), trustRootsFile: String? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.connectionsPerOrigin = connectionsPerOrigin
        self.idleTimeout = idleTimeout
        self.trustRootsFile = trustRootsFile
        self.group = group
    }

    /// POSTs `body` to `url` with `headers` (besides `Host` and `Content-Length`) and returns the
    /// answer's status code; throws a ``WebhookPostError`` when there was no whole answer within
    /// `timeout`, which counts from the call: waiting for a connection, connecting and the answer.
    ///
    /// A kept-alive connection can have been closed by the receiver just as the request was written
    /// on it; the request is then written once more on another connection.
    public func post(url: String, headers: [(String, String)], body: ByteBuffer, timeout: Duration) async throws -> Int
    {
        guard let target = WebhookTarget(url) else { throw WebhookPostError.invalidAddress }
        return try await post(to: target, headers: headers, body: body, timeout: timeout)
    }

    /// ``post(url:headers:body:timeout:)`` to an address read already.
    public func post(
        to target: WebhookTarget, headers: [(String, String)], body: ByteBuffer, timeout: Duration
    ) async throws -> Int {
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target.requestTarget)
        head.headers.reserveCapacity(headers.count + 2)
        head.headers.add(name: "Host", value: target.hostHeader)
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        head.headers.add(name: "Content-Length", value: String(body.readableBytes))
        let deadline = ContinuousClock.now + timeout
        while true {
            let connection: WebhookConnection
            do {
                connection = try await acquire(target.origin, deadline: deadline)
            } catch WebhookPostError.noAnswer {
                throw WebhookPostError.noAnswer(within: timeout)
            }
            do {
                let left = deadline - .now
                guard left > .zero else { throw WebhookPostError.noAnswer(within: timeout) }
                let answer = try await connection.send(head, body: body, timeout: left)
                release(connection, to: target.origin, keepAlive: answer.keepAlive)
                return answer.status
            } catch WebhookPostError.closedBeforeAnswer where connection.isReused {
                release(connection, to: target.origin, keepAlive: false)
            } catch WebhookPostError.noAnswer {
                release(connection, to: target.origin, keepAlive: false)
                throw WebhookPostError.noAnswer(within: timeout)
            } catch {
                release(connection, to: target.origin, keepAlive: false)
                throw error
            }
        }
    }

    /// Closes the idle connections and refuses new posts; those in flight end as they would.
    public func shutdown() async {
        let (idle, waiters) = state.withLockedValue { state in
            state.isShutDown = true
            defer {
                state.pools = state.pools.mapValues {
                    var pool = $0; pool.idle = []; pool.waiters = []; return pool
                }
            }
            return (state.pools.values.flatMap { $0.idle.map(\.connection) }, state.pools.values.flatMap(\.waiters))
        }
        for waiter in waiters { waiter.resume(returning: .shutDown) }
        for connection in idle { try? await connection.channel.close() }
    }

    private func acquire(
        _ origin: WebhookTarget.Origin, deadline: ContinuousClock.Instant
    ) async throws -> WebhookConnection {
        let grant = await withCheckedContinuation { (continuation: CheckedContinuation<Grant, Never>) in
            let now = state.withLockedValue { state -> Grant? in
                guard !state.isShutDown else { return .shutDown }
                var pool = state.pools[origin, default: Pool()]
                defer { state.pools[origin] = pool }
                while let (connection, _) = pool.idle.popLast() {
                    if connection.channel.isActive { return .connection(connection) }
                    pool.open -= 1
                }
                guard pool.open < connectionsPerOrigin else {
                    pool.waiters.append(continuation)
                    return nil
                }
                pool.open += 1
                return .connect
            }
            if let now { continuation.resume(returning: now) }
        }
        switch grant {
        case .connection(var connection):
            connection.isReused = true
            return connection
        case .shutDown:
            throw WebhookPostError.shutDown
        case .connect:
            do {
                return try await connect(origin, timeout: deadline - .now)
            } catch {
                giveUpRoom(on: origin)
                throw error
            }
        }
    }

    /// Puts a connection back for the next post, or closes it and lets a waiting post open one.
    private func release(_ connection: WebhookConnection, to origin: WebhookTarget.Origin, keepAlive: Bool) {
        let isActive = connection.channel.isActive
        let (kept, handed, sweep) = state.withLockedValue {
            state -> (Bool, (CheckedContinuation<Grant, Never>, Grant)?, Bool) in
            guard var pool = state.pools[origin] else { return (false, nil, false) }
            defer { state.pools[origin] = pool }
            let keep = keepAlive && isActive && !state.isShutDown
            guard let waiter = pool.waiters.first else {
                guard keep else {
                    pool.open -= 1
                    return (false, nil, false)
                }
                pool.idle.append((connection, .now()))
                let sweep = !pool.sweepIsScheduled
                pool.sweepIsScheduled = true
                return (true, nil, sweep)
            }
            pool.waiters.removeFirst()
            return (keep, (waiter, keep ? .connection(connection) : .connect), false)
        }
        if !kept { connection.channel.close(promise: nil) }
        if let (waiter, grant) = handed { waiter.resume(returning: grant) }
        if sweep { scheduleSweep(of: origin, in: idleTimeout) }
    }

    /// Closes the origin's connections that have been idle for ``idleTimeout``, and looks again
    /// when the next one will have been, for as long as any is idle. Done under the pool's lock, so
    /// a connection a post has taken is never closed for idleness.
    private func scheduleSweep(of origin: WebhookTarget.Origin, in delay: Duration) {
        group.next().scheduleTask(in: TimeAmount(delay)) { [self] in
            let now = NIODeadline.now()
            let limit = TimeAmount(self.idleTimeout)
            let (expired, next) = state.withLockedValue {
                state -> ([WebhookConnection], TimeAmount?) in
                guard var pool = state.pools[origin] else { return ([], nil) }
                defer { state.pools[origin] = pool }
                let expired = pool.idle.filter { $0.since + limit <= now }.map(\.connection)
                pool.idle.removeAll { $0.since + limit <= now }
                pool.open -= expired.count
                guard let oldest = pool.idle.first else {
                    pool.sweepIsScheduled = false
                    return (expired, nil)
                }
                return (expired, oldest.since + limit - now)
            }
            for connection in expired { connection.channel.close(promise: nil) }
            if let next { scheduleSweep(of: origin, in: .nanoseconds(next.nanoseconds)) }
        }
    }

    /// A connection counted as open was never made: a waiting post may try instead.
    private func giveUpRoom(on origin: WebhookTarget.Origin) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Grant, Never>? in
            guard var pool = state.pools[origin] else { return nil }
            defer { state.pools[origin] = pool }
            guard !pool.waiters.isEmpty else {
                pool.open -= 1
                return nil
            }
            return pool.waiters.removeFirst()
        }
        waiter?.resume(returning: .connect)
    }

    private func connect(_ origin: WebhookTarget.Origin, timeout: Duration) async throws -> WebhookConnection {
        guard timeout > .zero else { throw WebhookPostError.noAnswer(within: timeout) }
        let tls = try origin.isSecure ? sslContext() : nil
        let serverHostname =
            origin.host.contains(":") || origin.host.allSatisfy({ $0.isNumber || $0 == "." })
            ? nil : origin.host
        do {
            return try await ClientBootstrap(group: group)
                .connectTimeout(TimeAmount(timeout))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: origin.host, port: origin.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        if let tls {
                            try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverHostname))
                        }
                        try pipeline.addHTTPClientHandlers()
                        let handler = WebhookResponseHandler()
                        try pipeline.addHandler(handler)
                        return WebhookConnection(
                            channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
                    }
                }
        } catch {
            throw WebhookPostError.connectFailed("\(error)")
        }
    }

    private func sslContext() throws -> NIOSSLContext {
        try tlsContext.withLockedValue { context in
            if let context { return context }
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.minimumTLSVersion = .tlsv12
            if let trustRootsFile { configuration.additionalTrustRoots = [.file(trustRootsFile)] }
            do {
                let made = try NIOSSLContext(configuration: configuration)
                context = made
                return made
            } catch {
                throw WebhookPostError.tlsUnavailable("\(error)")
            }
        }
    }
}
