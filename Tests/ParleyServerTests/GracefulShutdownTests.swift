import Foundation
import Hummingbird
import HummingbirdWSClient
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ParleyCore
import ParleyServer
import ParleyTestSupport
import ServiceLifecycle
import Testing

/// Once the server begins to stop, a client is never left writing into a connection the server
/// closes under it (issue 9, SIGTERM during a burst): a request on a kept-alive connection is still
/// answered, with `Connection: close`, and an idle connection is kept for a short while for such a
/// request before it is closed.
@Suite("Graceful shutdown")
struct GracefulShutdownTests {
    /// The app in a service group of the test's own; `body` gets its port and a way to begin the
    /// graceful shutdown, as SIGTERM does.
    static func run(
        limits: ConnectionLimits,
        _ body: (_ port: Int, _ stop: @escaping @Sendable () async -> Void, _ database: Database) async throws -> Void
    ) async throws {
        let logger = Logger(label: "test")
        try await TestDatabase.withFresh { database in
            let (ports, bound) = AsyncStream<Int>.makeStream()
            let app = try await buildApplication(
                host: "127.0.0.1", port: 0, dependencies: AppDependencies(database: database, bcryptCost: 4),
                ownsDatabase: false, logger: logger, connections: limits,
                onServerRunning: { channel in bound.yield(channel.localAddress?.port ?? 0) })
            let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                try await body(port, { await group.triggerGracefulShutdown() }, database)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }

    /// Begins the graceful shutdown and returns once the server no longer accepts connections:
    /// by then every open connection has been told to stop.
    static func stopAccepting(port: Int, _ stop: @Sendable () async -> Void) async throws {
        await stop()
        while true {
            do {
                let probe = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connect(host: "127.0.0.1", port: port).get()
                try? await probe.close()
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                return
            }
        }
    }

    static let healthz = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"

    static func limits(drain: TimeAmount) -> ConnectionLimits {
        var limits = ConnectionLimits.patient
        limits.drainTimeout = drain
        return limits
    }

    @Test func aRequestOnAKeptAliveConnectionAfterStopBeganIsAnsweredWithConnectionCloseThenClosed() async throws {
        try await Self.run(limits: Self.limits(drain: .seconds(60))) { port, stop, _ in
            let outcome = try await RawConnection.run(port: port, sending: Self.healthz) {
                inbound, outbound, opened in
                var iterator = inbound.makeAsyncIterator()
                var first = ""
                while !first.contains(#"{"status":"ok"}"#), let part = try await iterator.next() {
                    first += String(buffer: part)
                }
                #expect(!first.lowercased().contains("connection: close"))
                try await Self.stopAccepting(port: port, stop)
                try await outbound.write(ByteBuffer(string: Self.healthz))
                var second = ""
                while let part = try await iterator.next() { second += String(buffer: part) }
                return (second, ContinuousClock.now - opened)
            }
            #expect(outcome.0.hasPrefix("HTTP/1.1 200"), "\(outcome.0)")
            #expect(outcome.0.lowercased().contains("connection: close"), "\(outcome.0)")
            // Closed after the answer, well before the drain timeout (a busy test run can add seconds).
            #expect(outcome.1 < .seconds(45))
        }
    }

    @Test func anIdleConnectionIsKeptForTheDrainTimeoutAfterStopBeganThenClosed() async throws {
        try await Self.run(limits: Self.limits(drain: .seconds(1))) { port, stop, _ in
            let seconds = try await RawConnection.run(port: port, sending: Self.healthz) { inbound, _, _ in
                let received = NIOLockedValueBox("")
                let reader = Task { () -> ContinuousClock.Instant in
                    do {
                        for try await part in inbound { received.withLockedValue { $0 += String(buffer: part) } }
                    } catch {
                        // A reset is a close too.
                    }
                    return .now
                }
                defer { reader.cancel() }
                // One answer first: a connection still in the listener's queue when it closes is reset.
                let deadline = ContinuousClock.now + .seconds(15)
                while !received.withLockedValue({ $0.contains(#"{"status":"ok"}"#) }), .now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
                // The drain timer starts once the stop reaches the connection, never before this
                // instant; waiting until the listener is gone may itself take a while on a busy host.
                let stopBegan = ContinuousClock.now
                try await Self.stopAccepting(port: port, stop)
                let closed = await PostgresConnectionPoolTests.outcome(within: 30) { _ = await reader.value }
                guard closed != nil else { return nil as Double? }
                let elapsed = await reader.value - stopBegan
                return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            }
            let closedAfter = try #require(seconds, "an idle connection outlived the drain timeout by far")
            #expect(closedAfter >= 0.8 && closedAfter < 25)
        }
    }

    @Test func anOpenSocketIsClosedAsGoingAwayWhenTheServerStops() async throws {
        try await Self.run(limits: Self.limits(drain: .seconds(1))) { port, stop, database in
            let user = try await Fixtures(database: database).user(.customer)
            let token = try await APITokenService(database: database).issue(for: user)
            var configuration = WebSocketClientConfiguration()
            configuration.additionalHeaders = [.authorization: "Bearer \(token)"]
            let close = try await WebSocketClient.connect(
                url: "ws://127.0.0.1:\(port)/api/v1/realtime", configuration: configuration,
                logger: Logger(label: "test")
            ) { inbound, _, _ in
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    if case .text(let text) = message, text.contains("connection.ready") { await stop() }
                }
            }
            #expect(close?.closeCode == .goingAway)
            #expect(close?.reason == "server_shutting_down")
        }
    }
}
