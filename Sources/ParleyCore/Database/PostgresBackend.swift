import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit

/// PostgreSQL through a ``PostgresConnectionPool`` whose connections live on ``DatabaseThread``.
final class PostgresBackend: Sendable {
    /// How long a request waits for a connection when every one is lent.
    static let requestTimeout = TimeAmount.seconds(10)
    /// How long opening a connection may take: a server that drops packets instead of refusing
    /// them is an outage too.
    static let connectTimeout = TimeAmount.seconds(5)

    private let pool: PostgresConnectionPool
    /// The NOTIFY channel of this database's events: one per schema, since channels are shared by
    /// a whole PostgreSQL database and the tests give each database a schema of its own.
    let eventChannel: String
    /// Learns how long each operation waited for a connection from the pool.
    private let metrics: any MetricsRecorder
    /// The statements' names, or nil to send every statement unnamed.
    private let statementNames: PostgresStatementNames?

    private init(
        pool: PostgresConnectionPool, schema: String?, metrics: any MetricsRecorder, namesStatements: Bool
    ) {
        self.pool = pool
        self.statementNames = namesStatements ? PostgresStatementNames() : nil
        self.eventChannel = String(("parley_events" + (schema.map { "_" + $0 } ?? "")).prefix(63))
        self.metrics = metrics
    }

    static func open(
        url: String, schema: String?, poolSize: Int, namesStatements: Bool, logger: Logger,
        metrics: any MetricsRecorder
    ) async throws -> PostgresBackend {
        var configuration: SQLPostgresConfiguration
        do {
            configuration = try SQLPostgresConfiguration(url: url)
        } catch {
            throw DatabaseUnavailable(description: "DATABASE_URL is not a usable PostgreSQL URL: \(error)")
        }
        if let schema { configuration.searchPath = [schema] }
        configuration.coreConfiguration.options.connectTimeout = connectTimeout
        // Connections would log every failed attempt, one per request while the server is down;
        // Database logs an outage once when it starts and once when it ends instead.
        var connectionLogger = logger
        connectionLogger.logLevel = .critical
        let pool = PostgresConnectionPool(
            configuration: configuration, maximum: poolSize, requestTimeout: requestTimeout,
            eventLoops: DatabaseThread.shared.eventLoopGroup, logger: connectionLogger)
        let backend = PostgresBackend(pool: pool, schema: schema, metrics: metrics, namesStatements: namesStatements)
        do {
            _ = try await backend.withConnection { db in try await db.raw("SELECT 1 AS ok").first() }
        } catch {
            await pool.close()
            throw DatabaseUnavailable(description: "cannot reach PostgreSQL: \(String(reflecting: error))")
        }
        return backend
    }

    func withConnection<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        let connection = try await lease()
        defer { pool.release(connection) }
        return try await body(
            OpenConnectionSQLDatabase(connection, queryLogLevel: .trace, statementNames: statementNames))
    }

    /// Runs `body` on a connection of its own, outside the pool, closed when `body` returns.
    func withDedicatedConnection<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await pool.open().get()
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// A connection from the pool; the wait is reported whether one came or the request gave up.
    private func lease() async throws -> PostgresConnection {
        let asked = ContinuousClock.now
        defer { metrics.recordConnectionWait(seconds: asked.duration(to: .now).inSeconds) }
        return try await pool.lease()
    }

    func close() async {
        await pool.close()
    }
}
