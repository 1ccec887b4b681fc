import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit

/// PostgreSQL through a pool of connections spread over the shared event loops.
///
/// `@unchecked`: AsyncKit's pool predates Sendable annotations but guards its state with a lock and
/// confines each per-loop pool to its event loop.
final class PostgresBackend: @unchecked Sendable {
    private let pool: EventLoopGroupConnectionPool<PostgresConnectionSource>
    private let eventLoops: MultiThreadedEventLoopGroup

    private init(pool: EventLoopGroupConnectionPool<PostgresConnectionSource>, eventLoops: MultiThreadedEventLoopGroup)
    {
        self.pool = pool
        self.eventLoops = eventLoops
    }

    static func open(url: String, schema: String?, poolSize: Int, logger: Logger) async throws -> PostgresBackend {
        var configuration: SQLPostgresConfiguration
        do {
            configuration = try SQLPostgresConfiguration(url: url)
        } catch {
            throw DatabaseUnavailable(description: "DATABASE_URL is not a usable PostgreSQL URL: \(error)")
        }
        if let schema { configuration.searchPath = [schema] }
        // The connections get a thread of their own: on the HTTP server's event loops every answer
        // from PostgreSQL would wait behind whatever requests those loops are busy with, and a
        // batch of sends waits for five answers in a row.
        let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loopCount = 1
        // The pool logs every failed connection attempt, one per request while the server is down;
        // Database logs an outage once when it starts and once when it ends instead.
        var poolLogger = logger
        poolLogger.logLevel = .critical
        let pool = EventLoopGroupConnectionPool(
            source: PostgresConnectionSource(sqlConfiguration: configuration),
            maxConnectionsPerEventLoop: max(1, (poolSize + loopCount - 1) / loopCount),
            requestTimeout: .seconds(30),
            logger: poolLogger,
            on: eventLoops
        )
        let backend = PostgresBackend(pool: pool, eventLoops: eventLoops)
        do {
            _ = try await backend.withConnection { db in try await db.raw("SELECT 1 AS ok").first() }
        } catch {
            try? await pool.shutdownAsync()
            try? await eventLoops.shutdownGracefully()
            throw DatabaseUnavailable(description: "cannot reach PostgreSQL: \(String(reflecting: error))")
        }
        return backend
    }

    func withConnection<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        let connection = try await pool.requestConnection().get()
        defer { pool.releaseConnection(connection) }
        return try await body(connection.sql(queryLogLevel: .trace))
    }

    func close() async {
        try? await pool.shutdownAsync()
        try? await eventLoops.shutdownGracefully()
    }
}
