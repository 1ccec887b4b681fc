import Foundation
import ParleyTestSupport
import SQLKit
import Testing

@testable import ParleyCore

@Suite("Search keys")
struct SearchKeyTests {
    @Test(arguments: [
        ("Chloé Martin", "chloe martin"), ("CHLOÉ", "chloe"), ("Straße", "strasse"), ("Søren", "soren"),
        ("Œuvre", "oeuvre"), ("Łódź", "lodz"), ("ＡＢＣ", "abc"), ("plain ascii", "plain ascii"),
    ])
    func foldingIgnoresCaseAccentsAndWidth(_ text: String, _ key: String) {
        #expect(SearchKey.fold(text) == key)
    }

    @Test func likeWildcardsInATermAreMatchedLiterally() {
        #expect(SearchKey.containsPattern("50%_off\\") == "%50\\%\\_off\\\\%")
    }

    /// The bench seeder writes keys in SQL from its words' keys, which is right only when a
    /// name's key is its words' keys joined.
    @Test func theBenchSeedersNamesFoldWordByWord() {
        let plan = BenchSeeder.Plan.self
        let names =
            zip(plan.firstNames, plan.lastNames.reversed()).map { "\($0) \($1)" }
            + zip(plan.productAdjectives, plan.productNouns).map { "\($0) \($1) 42" }
        for name in names {
            let byWord = name.split(separator: " ").map { SearchKey.fold(String($0)) }.joined(separator: " ")
            #expect(SearchKey.fold(name) == byWord, "\(name)")
        }
    }

    @Test func seededBenchNamesCanBeFoundWithoutAccents() async throws {
        try await TestDatabase.withFresh { database in
            let sizes = BenchSeeder.Sizes(users: 40, products: 10, sessions: 20, messages: 40)
            try await BenchSeeder(database: database, sizes: sizes).seed()
            let mismatched = try await database.read { db in
                try await db.raw("SELECT name, name_key FROM users UNION ALL SELECT name, name_key FROM products")
                    .all().filter { row in
                        let name = try row.decode(column: "name", as: String.self)
                        return SearchKey.fold(name) != (try row.decode(column: "name_key", as: String.self))
                    }.count
            }
            #expect(mismatched == 0)
        }
    }
}

@Suite("Search key migration")
struct SearchKeyMigrationTests {
    @Test func existingNamesGetTheirKeys() async throws {
        try await TestDatabase.withFresh { database in
            let customer = try await Fixtures(database: database).user(.customer, name: "Émile Zola")
            try await database.write { db in
                try await db.raw("UPDATE users SET name_key = ''").run()
                try await AddNameSearchKeys.fill("users", on: db)
            }
            let key = try await database.read { db in
                try await db.raw("SELECT name_key FROM users WHERE id = \(bind: customer.id)").first()?
                    .decode(column: "name_key", as: String.self)
            }
            #expect(key == "emile zola")
        }
    }
}
