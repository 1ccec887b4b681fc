import Foundation

/// Where the data lives and how many connections may reach it.
public struct DatabaseConfiguration: Sendable, Equatable {
    public enum Location: Sendable, Equatable {
        /// An SQLite file; its directory is created when missing.
        case sqlite(path: String)
        /// A PostgreSQL server, optionally confined to one schema (tests use one schema each).
        case postgres(url: String, schema: String?)
    }

    /// When SQLite waits for the disk on a commit (`PRAGMA synchronous`); PostgreSQL ignores it.
    public enum SQLiteSynchronous: String, Sendable, Equatable, CaseIterable {
        /// The write-ahead log is flushed at checkpoints only: a killed process loses nothing, a
        /// power cut can lose the last commits (the file stays consistent).
        case normal
        /// The log is flushed at every COMMIT, so an acknowledged write survives a power cut.
        case full
    }

    public var location: Location
    /// Connections used for reading. SQLite adds one dedicated writer on top.
    public var poolSize: Int
    /// `PARLEY_SQLITE_SYNCHRONOUS`: FULL unless chosen otherwise, for about 13 % of the send
    /// throughput (BENCHMARKS.md, "SQLite: synchronous FULL or NORMAL").
    public var sqliteSynchronous: SQLiteSynchronous = .full
    /// `PARLEY_POSTGRES_NAMED_STATEMENTS`: whether each PostgreSQL connection prepares a statement
    /// once and reuses it (``PostgresStatementNames``). Off for a pooler in transaction mode that
    /// cannot keep prepared statements.
    public var postgresNamedStatements = true

    public init(location: Location, poolSize: Int = 4) {
        self.location = location
        self.poolSize = max(1, poolSize)
    }

    /// `DATABASE_URL` picks PostgreSQL (`postgres://…`) or an SQLite file (`sqlite:///path` or a plain path).
    public static func fromURL(_ url: String?, poolSize: Int) throws -> DatabaseConfiguration {
        guard let url, !url.isEmpty else {
            return .init(location: .sqlite(path: "data/parley.sqlite"), poolSize: poolSize)
        }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            return .init(location: .postgres(url: url, schema: nil), poolSize: poolSize)
        }
        if url.hasPrefix("sqlite://") {
            return .init(location: .sqlite(path: String(url.dropFirst("sqlite://".count))), poolSize: poolSize)
        }
        if url.contains("://") {
            throw ConfigurationError.invalid(
                name: "DATABASE_URL", reason: "expected postgres://… or sqlite://…, got a URL with another scheme")
        }
        return .init(location: .sqlite(path: url), poolSize: poolSize)
    }
}
