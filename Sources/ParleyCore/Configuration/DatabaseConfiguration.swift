import Foundation

/// Where the data lives and how many connections may reach it.
public struct DatabaseConfiguration: Sendable, Equatable {
    public enum Location: Sendable, Equatable {
        /// An SQLite file; its directory is created when missing.
        case sqlite(path: String)
        /// A PostgreSQL server, optionally confined to one schema (tests use one schema each).
        case postgres(url: String, schema: String?)
    }

    public var location: Location
    /// Connections used for reading. SQLite adds one dedicated writer on top.
    public var poolSize: Int

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
