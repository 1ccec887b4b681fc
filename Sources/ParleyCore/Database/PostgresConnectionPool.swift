import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresKit

/// PostgreSQL connections opened on demand up to a maximum and lent to one operation at a time.
///
/// Built to fail fast when the server goes away, which a pool that parks requests until some
/// connection comes back does not do (AsyncKit's fails only the request whose new connection
/// failed and leaves the others waiting until the server returns or their timeout ends):
/// - a connection attempt that fails fails every request waiting for a connection;
/// - after a failed attempt, a request that finds no idle connection makes the next attempt
///   itself, one at a time; while that attempt is under way, other requests fail at once;
/// - the first attempt that succeeds ends the outage, so service resumes with the next request.
///
/// A request that waits longer than `requestTimeout` for a connection fails too.
final class PostgresConnectionPool: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<PostgresConnection, any Error>
        let timeout: Scheduled<Void>
    }

    private struct State {
        var idle: [PostgresConnection] = []
        /// Connections counted against the maximum: idle, lent, or being opened.
        var open = 0
        var connecting = 0
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        /// Why the last connection attempt failed, until one succeeds.
        var failure: String?
        var isClosed = false
    }

    private let configuration: SQLPostgresConfiguration
    private let maximum: Int
    private let requestTimeout: TimeAmount
    private let eventLoops: any EventLoopGroup
    private let logger: Logger
    private let state = NIOLockedValueBox(State())
    private let connectionIDs = NIOLockedValueBox(0)

    init(
        configuration: SQLPostgresConfiguration, maximum: Int, requestTimeout: TimeAmount,
        eventLoops: any EventLoopGroup, logger: Logger
    ) {
        self.configuration = configuration
        self.maximum = max(1, maximum)
        self.requestTimeout = requestTimeout
        self.eventLoops = eventLoops
        self.logger = logger
    }

    /// An open connection for the caller alone until it gives it back with ``release(_:)``.
    ///
    /// - Throws: ``DatabaseUnreachable`` when the pool is closed, the server cannot be reached, or
    ///   no connection came free in time; the connection attempt's own error when it failed.
    func lease() async throws -> PostgresConnection {
        enum Step {
            case use(PostgresConnection)
            case fail(any Error)
            case wait(connects: Bool)
        }
        return try await withCheckedThrowingContinuation { continuation in
            let step = state.withLockedValue { state -> Step in
                guard !state.isClosed else { return .fail(DatabaseUnreachable(description: "the pool is closed")) }
                while let connection = state.idle.popLast() {
                    guard connection.isClosed else { return .use(connection) }
                    state.open -= 1
                }
                var connects = false
                if state.open < maximum {
                    if let failure = state.failure, state.connecting > 0 {
                        return .fail(DatabaseUnreachable(description: "PostgreSQL is unreachable: \(failure)"))
                    }
                    state.open += 1
                    state.connecting += 1
                    connects = true
                }
                let id = state.nextWaiterID
                state.nextWaiterID += 1
                let timeout = eventLoops.any().scheduleTask(in: requestTimeout) { self.expire(id) }
                state.waiters.append(Waiter(id: id, continuation: continuation, timeout: timeout))
                return .wait(connects: connects)
            }
            switch step {
            case .use(let connection): continuation.resume(returning: connection)
            case .fail(let error): continuation.resume(throwing: error)
            case .wait(let connects): if connects { connect() }
            }
        }
    }

    /// Gives a lent connection back: to the longest-waiting request, or to the idle ones. A closed
    /// connection is dropped, and replaced at once when requests are waiting.
    func release(_ connection: PostgresConnection) {
        guard connection.isClosed else {
            hand(connection)
            return
        }
        let replaces = state.withLockedValue { state -> Bool in
            state.open -= 1
            guard !state.isClosed, !state.waiters.isEmpty else { return false }
            state.open += 1
            state.connecting += 1
            return true
        }
        if replaces { connect() }
    }

    /// Refuses every later request, fails the waiting ones and closes the idle connections; lent
    /// ones are closed when they are given back.
    func close() async {
        let (idle, waiters) = state.withLockedValue { state -> ([PostgresConnection], [Waiter]) in
            state.isClosed = true
            defer {
                state.open -= state.idle.count
                state.idle = []
                state.waiters = []
            }
            return (state.idle, state.waiters)
        }
        for waiter in waiters {
            waiter.timeout.cancel()
            waiter.continuation.resume(throwing: DatabaseUnreachable(description: "the pool is closed"))
        }
        for connection in idle { try? await connection.close() }
    }

    /// A pool dropped without ``close()`` (a caller that threw) still closes its idle connections:
    /// PostgresNIO traps when an open connection is deallocated.
    deinit {
        for connection in state.withLockedValue({ $0.idle }) {
            connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
        }
    }

    /// A new connection set up as the pooled ones are (its search path), but not counted by the
    /// pool: for a caller that holds one for long, as the event bus's listener does.
    func open() -> EventLoopFuture<PostgresConnection> {
        let id = connectionIDs.withLockedValue { id in
            id += 1
            return id
        }
        let searchPath = configuration.searchPath
        return PostgresConnection.connect(
            on: eventLoops.any(), configuration: configuration.coreConfiguration, id: id, logger: logger
        ).flatMap { connection -> EventLoopFuture<PostgresConnection> in
            guard let searchPath else { return connection.eventLoop.makeSucceededFuture(connection) }
            return connection.sql(queryLogLevel: nil)
                .raw("SET search_path TO \(idents: searchPath, joinedBy: ",")").run()
                .map { connection }
                .flatMapError { error in
                    connection.close().flatMapThrowing {
                        withExtendedLifetime(connection) {}; throw error
                    }
                }
        }
    }

    private func connect() {
        open().whenComplete { result in
            switch result {
            case .success(let connection): self.hand(connection, opened: true)
            case .failure(let error): self.connectFailed(error)
            }
        }
    }

    private func hand(_ connection: PostgresConnection, opened: Bool = false) {
        enum Next {
            case waiter(Waiter)
            case idle
            case close
        }
        let next = state.withLockedValue { state -> Next in
            if opened {
                state.connecting -= 1
                state.failure = nil
            }
            guard !state.isClosed else {
                state.open -= 1
                return .close
            }
            guard state.waiters.isEmpty else { return .waiter(state.waiters.removeFirst()) }
            state.idle.append(connection)
            return .idle
        }
        switch next {
        case .waiter(let waiter):
            waiter.timeout.cancel()
            waiter.continuation.resume(returning: connection)
        case .idle: break
        case .close:
            // Kept until closed: a connection must not be released while still open.
            connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
        }
    }

    private func connectFailed(_ error: any Error) {
        let waiters = state.withLockedValue { state -> [Waiter] in
            state.connecting -= 1
            state.open -= 1
            state.failure = String(describing: error)
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters {
            waiter.timeout.cancel()
            waiter.continuation.resume(throwing: error)
        }
    }

    private func expire(_ id: UInt64) {
        let waiter = state.withLockedValue { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        let seconds = requestTimeout.nanoseconds / 1_000_000_000
        waiter?.continuation.resume(
            throwing: DatabaseUnreachable(description: "no PostgreSQL connection came free within \(seconds) s"))
    }
}
