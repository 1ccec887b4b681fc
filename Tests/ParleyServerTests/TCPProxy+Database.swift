import Foundation
import Logging
import ParleyCore
import ParleyTestSupport
import Testing

extension TCPProxy {
    /// A fresh, migrated PostgreSQL database of `poolSize` connections that the application reaches
    /// through a proxy the test can cut; the proxy is restored and the database removed afterwards.
    static func withProxiedDatabase(
        poolSize: Int, logger: Logger, _ body: (TCPProxy, Database) async throws -> Void
    ) async throws {
        try await withProxiedDatabase(poolSize: poolSize, logger: logger) { proxy, database, _ in
            try await body(proxy, database)
        }
    }

    /// The same, with the database's own location too, for a second connection that the proxy
    /// does not carry.
    static func withProxiedDatabase(
        poolSize: Int, logger: Logger, _ body: (TCPProxy, Database, DatabaseConfiguration.Location) async throws -> Void
    ) async throws {
        try await TestTurns.take {
            let location = try await TestDatabase.makeMigratedLocation()
            guard case .postgres(let url, let schema) = location, var parts = URLComponents(string: url) else {
                Issue.record("not PostgreSQL")
                return
            }
            let proxy = try await TCPProxy.start(to: parts.host ?? "127.0.0.1", port: parts.port ?? 5432)
            parts.host = "127.0.0.1"
            parts.port = proxy.port
            let database = try await Database.open(
                .init(location: .postgres(url: parts.string!, schema: schema), poolSize: poolSize), logger: logger)
            do {
                try await body(proxy, database, location)
            } catch {
                try? await proxy.resume()
                await database.close()
                await TestDatabase.remove(location)
                throw error
            }
            try? await proxy.resume()
            await database.close()
            await TestDatabase.remove(location)
        }
    }
}
