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

    private init(pool: EventLoopGroupConnectionPool<PostgresConnectionSource>) {
        self.pool = pool
    }

    static func open(url: String, schema: String?, poolSize: Int, logger: Logger) async throws -> PostgresBackend {
        var configuration: SQLPostgresConfiguration
        do {
            configuration = try SQLPostgresConfiguration(url: url)
        } catch {
            throw DatabaseUnavailable(description: "DATABASE_URL is not a usable PostgreSQL URL: \(error)")
        }
        if let schema { configuration.searchPath = [schema] }
        let eventLoops = MultiThreadedEventLoopGroup.singleton
        let loopCount = eventLoops.makeIterator().reduce(0) { count, _ in count + 1 }
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
        let backend = PostgresBackend(pool: pool)
        do {
            _ = try await backend.withConnection { db in try await db.raw("SELECT 1 AS ok").first() }
        } catch {
            try? await pool.shutdownAsync()
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
    }
}
