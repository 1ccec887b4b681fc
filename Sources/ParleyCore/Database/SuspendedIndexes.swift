import SQLKit

/// A bulk load's trick on PostgreSQL: the tables' secondary indexes and their unique, check and
/// foreign-key constraints are dropped before the rows go in and built again afterwards, in the
/// same transaction. Building an index or checking a constraint once over millions of rows costs a
/// fraction of maintaining it row by row. Primary keys stay, except those named (a load that reads
/// a table back by id needs that table's). Should anything fail, rolling the transaction back
/// brings every definition back with it.
struct SuspendedIndexes: Sendable {
    /// Statements that restore what was dropped, in order: indexes, keys, checks, then the foreign
    /// keys that may need the keys.
    let restoring: [String]

    /// Drops what can be rebuilt on the given tables and remembers how to restore it.
    static func suspend(
        on tables: [String], primaryKeysOf keyed: [String] = [], db: any SQLDatabase
    ) async throws -> SuspendedIndexes {
        let found = try await db.raw(
            """
            SELECT c.conrelid::regclass::text AS tbl, c.conname AS name, c.contype AS kind,
                pg_get_constraintdef(c.oid) AS definition
            FROM pg_constraint c
            WHERE (c.conrelid = ANY (CAST(\(bind: tables) AS regclass[]))
                    AND (c.contype IN ('f', 'u', 'c')
                        OR (c.contype = 'p' AND c.conrelid = ANY (CAST(\(bind: keyed) AS regclass[])))))
                -- Other tables' foreign keys onto a key that goes (moderation_cases onto chat_messages).
                OR (c.contype = 'f' AND c.confrelid = ANY (CAST(\(bind: keyed) AS regclass[])))
            ORDER BY c.contype, c.conname
            """
        ).all().map {
            (
                table: try $0.string("tbl"), name: try $0.string("name"), kind: try $0.string("kind"),
                definition: try $0.string("definition")
            )
        }
        let indexes = try await db.raw(
            """
            SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
            FROM pg_index i
            WHERE i.indrelid = ANY (CAST(\(bind: tables) AS regclass[])) AND NOT i.indisprimary
                AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY name
            """
        ).all().map { (name: try $0.string("name"), definition: try $0.string("definition")) }

        // Foreign keys first: a key cannot go while a foreign key relies on it.
        let order = ["f", "c", "u", "p"]
        let constraints = found.sorted { order.firstIndex(of: $0.kind)! < order.firstIndex(of: $1.kind)! }
        for constraint in constraints {
            try await db.raw(
                "ALTER TABLE \(unsafeRaw: constraint.table) DROP CONSTRAINT \(ident: constraint.name)"
            ).run()
        }
        for index in indexes { try await db.raw("DROP INDEX \(unsafeRaw: index.name)").run() }
        // Keys before the foreign keys that need them; indexes and checks as they come.
        return SuspendedIndexes(
            restoring: indexes.map(\.definition)
                + constraints.reversed().map {
                    "ALTER TABLE \($0.table) ADD CONSTRAINT \"\($0.name)\" \($0.definition)"
                })
    }

    /// Builds everything again; each statement reads its table once.
    func restore(on db: any SQLDatabase) async throws {
        for statement in restoring { try await db.raw(SQLQueryString(statement)).run() }
    }
}
