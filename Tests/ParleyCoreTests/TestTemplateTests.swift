import ParleyCore
import SQLKit
import Testing

@testable import ParleyTestSupport

/// Each test's database is a copy of one migrated template, on either engine.
@Suite("Tests' template database")
struct TestTemplateTests {
    @Test func aFreshDatabaseIsFullyMigratedWithoutMigratingIt() async throws {
        try await TestDatabase.withFresh { database in
            let applied = try await Migrator(database: database, logger: TestDatabase.logger).migrate()
            #expect(applied == [])
        }
    }

    @Test func twoFreshDatabasesAreCopiesThatDoNotShareWrites() async throws {
        try await TestDatabase.withFresh { first in
            try await TestDatabase.withFresh { second in
                _ = try await Fixtures(database: first).user(.customer)
                #expect(try await Fixtures(database: first).tableCounts()["users"] == 1)
                #expect(try await Fixtures(database: second).tableCounts()["users"] == 0)
            }
        }
    }
}
