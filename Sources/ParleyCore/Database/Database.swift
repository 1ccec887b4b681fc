import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import SQLiteKit

/// The database could not be opened or reached; the message says which and why.
public struct DatabaseUnavailable: Error, CustomStringConvertible {
    public let description: String
}

/// Connections to the configured database, handed out for reads and for write transactions.
///
/// Reads run on a pooled connection in autocommit mode. Writes always run inside one transaction,
/// so a thrown error leaves the database as it was.
public final class Database: Sendable {
    public let engine: DatabaseEngine
    private let backend: Backend
    private let isOpen = NIOLockedValueBox(true)
    private let outage: DatabaseOutage

    private enum Backend: Sendable {
        case sqlite(SQLiteBackend)
        case postgres(PostgresBackend)
    }

    private init(engine: DatabaseEngine, backend: Backend, logger: Logger) {
        self.engine = engine
        self.backend = backend
        self.outage = DatabaseOutage(logger: logger)
    }

    /// Opens the database and checks that it answers; fails with ``DatabaseUnavailable`` otherwise.
    /// Waits for a connection are reported to `metrics`.
    public static func open(
        _ configuration: DatabaseConfiguration, logger: Logger, metrics: any MetricsRecorder = NoMetrics()
    ) async throws -> Database {
        switch configuration.location {
        case .sqlite(let path):
            let backend = try await SQLiteBackend.open(
                path: path, readers: configuration.poolSize, synchronous: configuration.sqliteSynchronous,
                logger: logger, metrics: metrics)
            return Database(engine: .sqlite, backend: .sqlite(backend), logger: logger)
        case .postgres(let url, let schema):
            let backend = try await PostgresBackend.open(
                url: url, schema: schema, poolSize: configuration.poolSize,
                namesStatements: configuration.postgresNamedStatements, logger: logger, metrics: metrics)
            return Database(engine: .postgres, backend: .postgres(backend), logger: logger)
        }
    }

    /// Runs `body` on one connection outside any explicit transaction.
    /// Throws ``DatabaseUnreachable`` when the database does not answer.
    public func read<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await reaching {
            switch backend {
            case .sqlite(let sqlite): try await sqlite.read(body)
            case .postgres(let postgres): try await postgres.withConnection(body)
            }
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// Throws ``DatabaseUnreachable`` when the database does not answer.
    public func write<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await reaching {
            switch backend {
            case .sqlite(let sqlite):
                return try await sqlite.transaction(body)
            case .postgres(let postgres):
                return try await postgres.withConnection { db in
                    try await Self.transaction(on: db, begin: "BEGIN", body)
                }
            }
        }
    }

    /// Runs one operation, turning a connection failure into ``DatabaseUnreachable`` and noting
    /// when an outage starts and ends. Errors of the queries themselves pass through unchanged.
    private func reaching<T>(_ operation: () async throws -> T) async throws -> T {
        let began = outage.current
        do {
            let result = try await operation()
            outage.succeeded(since: began)
            return result
        } catch {
            guard DatabaseUnreachable.isUnreachable(error) else { throw error }
            outage.failed(error)
            throw error as? DatabaseUnreachable ?? DatabaseUnreachable(description: String(describing: error))
        }
    }

    /// How SQLite's writes were grouped into commits; nil on PostgreSQL, where each write commits alone.
    public var writeStatistics: WriteStatistics? {
        switch backend {
        case .sqlite(let sqlite): sqlite.writeStatistics
        case .postgres: nil
        }
    }

    /// PostgreSQL: the channel its events are announced on; nil on SQLite.
    var eventChannel: String? {
        switch backend {
        case .sqlite: nil
        case .postgres(let postgres): postgres.eventChannel
        }
    }

    /// PostgreSQL: runs `body` on a connection outside the pool, closed when `body` returns.
    /// Throws ``DatabaseUnreachable`` on SQLite or when the server cannot be reached.
    func withDedicatedConnection<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        guard case .postgres(let postgres) = backend else {
            throw DatabaseUnreachable(description: "SQLite has no dedicated connections")
        }
        return try await postgres.withDedicatedConnection(body)
    }

    /// Answers whether the database responds to a trivial query.
    public func isReachable() async -> Bool {
        do {
            return try await read { db in try await db.raw("SELECT 1 AS ok").first() != nil }
        } catch {
            return false
        }
    }

    /// Closes every connection; later calls do nothing. The database must not be used afterwards.
    public func close() async {
        guard
            isOpen.withLockedValue({ isOpen in
                defer { isOpen = false }; return isOpen
            })
        else { return }
        // In a task of its own: closing from a cancelled task (a server shutting down because it
        // failed) would otherwise be refused by the connections' thread pool and leave them open.
        let backend = self.backend
        await Task {
            switch backend {
            case .sqlite(let sqlite): await sqlite.close()
            case .postgres(let postgres): await postgres.close()
            }
        }.value
    }

    private static func transaction<T>(
        on db: any SQLDatabase, begin: String, _ body: (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await db.raw(SQLQueryString(begin)).run()
        let result: T
        do {
            result = try await body(db)
        } catch {
            try? await db.raw("ROLLBACK").run()
            throw error
        }
        do {
            try await db.raw("COMMIT").run()
        } catch {
            try? await db.raw("ROLLBACK").run()
            throw error
        }
        return result
    }
}

extension Database {
    /// True when `error` is a unique-constraint violation on either engine.
    public static func isUniqueViolation(_ error: any Error) -> Bool {
        if let sqlite = error as? SQLiteError {
            return sqlite.reason == .constraintUniqueFailed || sqlite.reason == .constraintPrimaryKeyFailed
        }
        if let postgres = error as? PSQLError {
            return postgres.serverInfo?[.sqlState] == "23505"
        }
        return false
    }
}
