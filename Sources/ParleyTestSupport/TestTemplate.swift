import Foundation
import ParleyCore
import SQLKit

/// The migrated database every fresh test database is copied from, migrated once per test
/// process: an SQLite file copied per test, or a PostgreSQL database each test's database is
/// created from (`CREATE DATABASE … TEMPLATE`). Migrating each test's database took about 50 ms
/// on SQLite and 200 ms on PostgreSQL, most of a short test.
enum TestTemplate {
    /// A template older than this belongs to a test run that has ended: it is removed.
    static let staleAfter: TimeInterval = 6 * 3600

    private static let made = Task { try await make() }

    /// A new database with the template's contents, nobody else's.
    static func copy() async throws -> DatabaseConfiguration.Location {
        let template = try await made.value
        let name = TestDatabase.uniqueName()
        switch template {
        case .sqlite(let path):
            let copy = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("\(name).sqlite")
            // Closing the template folds its write-ahead log into the main file; should a log remain,
            // it is part of the database and goes with it.
            for suffix in ["", "-wal"] where suffix.isEmpty || FileManager.default.fileExists(atPath: path + suffix) {
                try FileManager.default.copyItem(atPath: path + suffix, toPath: copy.path + suffix)
            }
            return .sqlite(path: copy.path)
        case .postgres(let url, _):
            guard let server = TestDatabase.postgresURL, let templateName = databaseName(in: url) else {
                throw TestTemplateError.badURL(url)
            }
            try await TestDatabase.onServer(server) { db in
                try await db.raw("CREATE DATABASE \(ident: name) TEMPLATE \(ident: templateName)").run()
            }
            return .postgres(url: try Self.url(server, database: name), schema: nil)
        }
    }

    private static func make() async throws -> DatabaseConfiguration.Location {
        let name = "parley_template_" + TestDatabase.uniqueName()
        let location: DatabaseConfiguration.Location
        if let server = TestDatabase.postgresURL {
            try await TestDatabase.onServer(server) { db in
                try await removeStaleTemplates(on: db)
                try await db.raw("CREATE DATABASE \(ident: name)").run()
                let made = String(Int(Date().timeIntervalSince1970))
                try await db.raw("COMMENT ON DATABASE \(ident: name) IS \(literal: made)").run()
            }
            location = .postgres(url: try url(server, database: name), schema: nil)
        } else {
            removeStaleTemplateFiles()
            location = .sqlite(path: TestDatabase.directory.appendingPathComponent("\(name).sqlite").path)
        }
        try await TestDatabase.opened(.init(location: location, poolSize: 1), removingAfterwards: false) { database in
            try await Migrator(database: database, logger: TestDatabase.logger).migrate()
        }
        return location
    }

    /// Templates left by earlier runs: each records when it was made in its comment.
    private static func removeStaleTemplates(on db: any SQLDatabase) async throws {
        let cutoff = Int(Date().timeIntervalSince1970 - staleAfter)
        let stale = try await db.raw(
            """
            SELECT datname FROM pg_database
            WHERE datname LIKE 'parley\\_template\\_%'
              AND COALESCE(shobj_description(oid, 'pg_database'), '0') ~ '^[0-9]+$'
              AND CAST(COALESCE(shobj_description(oid, 'pg_database'), '0') AS bigint) < \(bind: cutoff)
            """
        ).all().map { try $0.decode(column: "datname", as: String.self) }
        for name in stale {
            try? await db.raw("DROP DATABASE IF EXISTS \(ident: name) WITH (FORCE)").run()
        }
    }

    private static func removeStaleTemplateFiles() {
        let files = FileManager.default
        let cutoff = Date().addingTimeInterval(-staleAfter)
        let names = (try? files.contentsOfDirectory(atPath: TestDatabase.directory.path)) ?? []
        for name in names where name.hasPrefix("parley_template_") {
            let path = TestDatabase.directory.appendingPathComponent(name).path
            let modified = (try? files.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? Date()
            if modified < cutoff { try? files.removeItem(atPath: path) }
        }
    }

    static func databaseName(in url: String) -> String? {
        URLComponents(string: url).map { String($0.path.drop(while: { $0 == "/" })) }
    }

    static func url(_ server: String, database: String) throws -> String {
        guard var parts = URLComponents(string: server) else { throw TestTemplateError.badURL(server) }
        parts.path = "/" + database
        guard let url = parts.string else { throw TestTemplateError.badURL(server) }
        return url
    }
}
