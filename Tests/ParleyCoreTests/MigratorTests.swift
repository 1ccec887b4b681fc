import Foundation
import Logging
import ParleyCore
import ParleyTestSupport
import SQLKit
import Testing

@Suite("Migrations")
struct MigratorTests {
    @Test func migratingAgainAppliesNothing() async throws {
        try await TestDatabase.withFresh { database in
            let again = try await Migrator(database: database, logger: Logger(label: "test")).migrate()
            #expect(again.isEmpty)
            let recorded = try await database.read { db in
                try await db.raw("SELECT name FROM parley_migrations ORDER BY name").all().map {
                    try $0.decode(column: "name", as: String.self)
                }
            }
            #expect(recorded.first == "0001_CreateUsers" && recorded.count >= 5)
            #expect(try await SettingsRepository(database.read { $0 }).isChatEnabled())
        }
    }

    @Test func instancesStartingTogetherApplyEachMigrationOnce() async throws {
        let location = try await TestDatabase.makeLocation()
        let logger = Logger(label: "test")
        var databases: [Database] = []
        for _ in 0..<3 {
            databases.append(try await Database.open(.init(location: location, poolSize: 1), logger: logger))
        }
        let outcome: Result<([String], Int64?), any Error>
        do {
            let applied = try await withThrowingTaskGroup(of: [String].self) { group in
                for database in databases {
                    group.addTask { try await Migrator(database: database, logger: logger).migrate() }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            let recorded = try await databases[0].read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM parley_migrations").first()?
                    .decode(column: "n", as: Int64.self)
            }
            outcome = .success((applied, recorded))
        } catch {
            outcome = .failure(error)
        }
        // Closed whatever happened: an open SQLite connection must not be left to deinitialise.
        for database in databases { await database.close() }
        await TestDatabase.remove(location)
        let (applied, recorded) = try outcome.get()
        #expect(applied.count == Int(recorded ?? -1))
        #expect(Set(applied).count == applied.count)
    }
}
