import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import Testing

@testable import ParleyCore
@testable import ParleyTestSupport

/// The PostgreSQL pool fails fast while the server is away and serves again as soon as it is back
/// (issue 9: PostgreSQL restarted under load). The server is reached through a ``TCPProxy`` the
/// test cuts; every wait is bounded, so a request that would hang fails the test instead.
@Suite("PostgreSQL connection pool", .enabled(if: TestDatabase.engine == .postgres))
struct PostgresConnectionPoolTests {
    static let logger = Logger(label: "test")

    /// A database of `poolSize` connections reached through a proxy.
    static func run(poolSize: Int, _ body: (TCPProxy, Database) async throws -> Void) async throws {
        try await TCPProxy.withProxiedDatabase(poolSize: poolSize, logger: logger, body)
    }

    /// What `operation` ended with, or nil when it had not ended after `seconds`. The operation is
    /// left running then, so that a request that never ends fails the test rather than hanging it.
    static func outcome(
        within seconds: Double, _ operation: @escaping @Sendable () async throws -> Void
    ) async -> Result<Void, any Error>? {
        let waiting = NIOLockedValueBox<CheckedContinuation<Result<Void, any Error>?, Never>?>(nil)
        return await withCheckedContinuation { continuation in
            waiting.withLockedValue { $0 = continuation }
            Task {
                let result: Result<Void, any Error>
                do {
                    try await operation()
                    result = .success(())
                } catch {
                    result = .failure(error)
                }
                waiting.withLockedValue { $0.take() }?.resume(returning: result)
            }
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                waiting.withLockedValue { $0.take() }?.resume(returning: nil)
            }
        }
    }

    static func selectOne(_ database: Database) async throws {
        _ = try await database.read { db in try await db.raw("SELECT 1 AS one").all() }
    }

    static func isUnreachable(_ result: Result<Void, any Error>?) -> Bool {
        guard case .failure(let error)? = result else { return false }
        return error is DatabaseUnreachable
    }

    @Test func requestsWaitingForAConnectionFailAtOnceWhenTheServerGoesAway() async throws {
        try await Self.run(poolSize: 1) { proxy, database in
            let (held, holding) = AsyncStream<Void>.makeStream()
            let (released, release) = AsyncStream<Void>.makeStream()
            // Lends the only connection and keeps it until told to go on.
            let holder = Task {
                await Self.outcome(within: 5) {
                    try await database.write { db in
                        _ = try await db.raw("SELECT 1 AS one").all()
                        holding.yield()
                        for await _ in released { break }
                        _ = try await db.raw("SELECT 1 AS one").all()
                    }
                }
            }
            for await _ in held { break }
            let waiters = (0..<3).map { _ in
                Task { await Self.outcome(within: 5) { try await Self.selectOne(database) } }
            }
            // Give them time to queue for the lent connection; one arriving later must fail just the same.
            try await Task.sleep(for: .milliseconds(200))
            let cut = ContinuousClock.now
            try await proxy.cut()
            release.yield()
            for waiter in waiters {
                let result = await waiter.value
                #expect(Self.isUnreachable(result), "\(String(describing: result))")
            }
            #expect(ContinuousClock.now - cut < .seconds(3))
            let holderResult = await holder.value
            #expect(Self.isUnreachable(holderResult), "\(String(describing: holderResult))")
        }
    }

    @Test func aQueryOnAConnectionTheServerClosedFailsInsteadOfWaiting() async throws {
        try await Self.run(poolSize: 1) { proxy, database in
            let result = await Self.outcome(within: 5) {
                try await database.read { db in
                    _ = try await db.raw("SELECT 1 AS one").all()
                    try await proxy.cut()
                    // Long enough for the connection to see its socket close.
                    try await Task.sleep(for: .milliseconds(300))
                    _ = try await db.raw("SELECT 1 AS one").all()
                }
            }
            #expect(Self.isUnreachable(result), "\(String(describing: result))")
        }
    }

    @Test func theFirstRequestAfterTheServerIsBackIsServed() async throws {
        try await Self.run(poolSize: 2) { proxy, database in
            try await Self.selectOne(database)
            try await proxy.cut()
            for _ in 0..<3 {
                #expect(Self.isUnreachable(await Self.outcome(within: 3) { try await Self.selectOne(database) }))
            }
            try await proxy.resume()
            let result = await Self.outcome(within: 3) { try await Self.selectOne(database) }
            guard case .success? = result else {
                Issue.record("not served once the server was back: \(String(describing: result))")
                return
            }
        }
    }

    @Test func aRequestThatFindsEveryConnectionLentFailsAfterTheRequestTimeout() async throws {
        let url = try #require(TestDatabase.postgresURL)
        let pool = PostgresConnectionPool(
            configuration: try SQLPostgresConfiguration(url: url), maximum: 1, requestTimeout: .seconds(2),
            eventLoops: MultiThreadedEventLoopGroup.singleton, logger: Self.logger)
        // Long enough for the first connection to open on a busy machine; the second request waits it out.
        let lent = try await pool.lease()
        let started = ContinuousClock.now
        await #expect(throws: DatabaseUnreachable.self) { _ = try await pool.lease() }
        #expect(ContinuousClock.now - started >= .seconds(2))
        pool.release(lent)
        let again = try await pool.lease()
        pool.release(again)
        await pool.close()
    }
}
