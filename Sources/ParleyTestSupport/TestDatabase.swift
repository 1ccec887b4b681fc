import Foundation
import Logging
import ParleyCore
import SQLKit

/// A fresh, migrated database for one test: an SQLite file in a temporary directory, or, when
/// `PARLEY_TEST_DATABASE_URL` names a PostgreSQL server, a schema of its own on that server.
public enum TestDatabase {
    /// The PostgreSQL server the tests run against, if any.
    public static let postgresURL: String? = {
        let url = ProcessInfo.processInfo.environment["PARLEY_TEST_DATABASE_URL"] ?? ""
        return url.isEmpty ? nil : url
    }()

    public static var engine: DatabaseEngine { postgresURL == nil ? .sqlite : .postgres }

    static let logger: Logger = {
        var logger = Logger(label: "parley.tests")
        logger.logLevel = .warning
        return logger
    }()

    /// Runs `body` with a migrated database nobody else uses (a copy of ``TestTemplate``), removed
    /// afterwards; its waits for a connection are reported to `metrics`.
    public static func withFresh<T>(
        poolSize: Int = 2, metrics: any MetricsRecorder = NoMetrics(), _ body: (Database) async throws -> T
    ) async throws -> T {
        try await TestTurns.take {
            let location = try await makeMigratedLocation()
            return try await opened(
                .init(location: location, poolSize: poolSize), metrics: metrics, removingAfterwards: true, body)
        }
    }

    /// Runs `body` with a new, empty (not migrated) database opened with `configure`'s settings,
    /// closed and removed however `body` ends.
    public static func withEmpty<T>(
        poolSize: Int = 1, metrics: any MetricsRecorder = NoMetrics(),
        configure: (inout DatabaseConfiguration) -> Void = { _ in }, _ body: (Database) async throws -> T
    ) async throws -> T {
        try await TestTurns.take {
            var configuration = DatabaseConfiguration(location: try await makeLocation(), poolSize: poolSize)
            configure(&configuration)
            return try await opened(configuration, metrics: metrics, removingAfterwards: true, body)
        }
    }

    /// Opens an existing database, runs `body` and closes it however `body` ends: a database
    /// dropped open trips SQLiteNIO's assertion and takes the whole test process down.
    public static func withOpen<T>(
        _ location: DatabaseConfiguration.Location, poolSize: Int = 2, _ body: (Database) async throws -> T
    ) async throws -> T {
        try await TestTurns.take {
            try await opened(.init(location: location, poolSize: poolSize), removingAfterwards: false, body)
        }
    }

    /// Opens the database, runs `body` and closes it however `body` ends, then removes it if asked
    /// (also when it could not be opened). Takes no turn: ``TestTemplate`` migrates its database
    /// inside whichever test's turn asked for it first.
    static func opened<T>(
        _ configuration: DatabaseConfiguration, metrics: any MetricsRecorder = NoMetrics(), removingAfterwards: Bool,
        _ body: (Database) async throws -> T
    ) async throws -> T {
        let database: Database
        do {
            database = try await Database.open(configuration, logger: logger, metrics: metrics)
        } catch {
            if removingAfterwards { await remove(configuration.location) }
            throw error
        }
        let result: Result<T, any Error>
        do {
            result = .success(try await body(database))
        } catch {
            result = .failure(error)
        }
        await database.close()
        if removingAfterwards { await remove(configuration.location) }
        return try result.get()
    }

    /// A location for a new database, with nothing in it yet.
    public static func makeLocation() async throws -> DatabaseConfiguration.Location {
        let name = uniqueName()
        guard let url = postgresURL else {
            return .sqlite(path: directory.appendingPathComponent("\(name).sqlite").path)
        }
        try await onServer(url) { db in try await db.raw("CREATE SCHEMA \(ident: name)").run() }
        return .postgres(url: url, schema: name)
    }

    /// A location for a new, migrated database: a copy of ``TestTemplate``.
    public static func makeMigratedLocation() async throws -> DatabaseConfiguration.Location {
        try await TestTemplate.copy()
    }

    /// Where the SQLite test databases go.
    static let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-tests")

    /// A name no other test database has: starts with a letter, lower case, 18 characters.
    static func uniqueName() -> String {
        "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    }

    public static func remove(_ location: DatabaseConfiguration.Location) async {
        switch location {
        case .sqlite(let path):
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        case .postgres(let url, let schema?):
            try? await onServer(url) { db in try await db.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
        case .postgres(let url, nil):
            // A test's own database, copied from the template (never the server's database itself).
            guard let server = postgresURL, let name = TestTemplate.databaseName(in: url),
                name != TestTemplate.databaseName(in: server)
            else { return }
            try? await onServer(server) { db in try await db.raw("DROP DATABASE \(ident: name) WITH (FORCE)").run() }
        }
    }

    static func onServer(_ url: String, _ body: (any SQLDatabase) async throws -> Void) async throws {
        try await opened(.init(location: .postgres(url: url, schema: nil), poolSize: 1), removingAfterwards: false) {
            try await $0.read(body)
        }
    }
}
