import Foundation
import ParleyTestSupport
import SQLKit
import Testing

@testable import ParleyCore

/// The one list of tables `parley migrate-data` copies stays in step with the migrations. Runs on
/// whichever engine the suite runs on.
@Suite("Tables copied by migrate-data")
struct CopiedTablesTests {
    @Test func everyTableAFreshlyMigratedDatabaseHoldsIsCopied() async throws {
        try await TestDatabase.withFresh { database in
            let tables = try await database.read { db in
                try await TableCatalog.tableNames(on: db, engine: database.engine)
            }
            #expect(try await CopiedTables.uncovered(in: database) == [])
            #expect(Set(tables) == Set(CopiedTables.inForeignKeyOrder + [CopiedTables.bookkeeping]))
        }
    }

    @Test func everyTableComesAfterTheTablesItReferences() async throws {
        try await TestDatabase.withFresh { database in
            let order = CopiedTables.inForeignKeyOrder
            for (position, table) in order.enumerated() {
                let referenced = try await database.read { db in
                    try await Self.referencedTables(of: table, on: db, engine: database.engine)
                }
                for parent in referenced where parent != table {
                    let parentPosition = try #require(order.firstIndex(of: parent), "\(parent) is not copied")
                    #expect(parentPosition < position, "\(table) references \(parent), which is copied later")
                }
            }
        }
    }

    static func referencedTables(
        of table: String, on db: any SQLDatabase, engine: DatabaseEngine
    ) async throws
        -> Set<String>
    {
        switch engine {
        case .sqlite:
            return Set(
                try await db.raw("PRAGMA foreign_key_list(\(ident: table))").all().map {
                    try $0.decode(column: "table", as: String.self)
                })
        case .postgres:
            return Set(
                try await db.raw(
                    """
                    SELECT CAST(referenced.relname AS TEXT) AS name FROM pg_constraint c
                    JOIN pg_class source ON source.oid = c.conrelid
                    JOIN pg_class referenced ON referenced.oid = c.confrelid
                    JOIN pg_namespace schema ON schema.oid = source.relnamespace
                    WHERE c.contype = 'f' AND source.relname = \(bind: table) AND schema.nspname = current_schema()
                    """
                ).all().map { try $0.decode(column: "name", as: String.self) })
        }
    }
}
