import SQLKit

/// PostgreSQL: the foreign keys and secondary indexes of the copied tables, set aside while the
/// rows go in and rebuilt once they are all there, as `pg_restore` does.
///
/// Checking each row's foreign keys and adding it to every index one at a time is what makes a
/// bulk load slow; an index built afterwards is one sort, and a foreign key added afterwards is
/// checked by one join. Both are read from the catalog and put back exactly as they were, in the
/// copy's transaction, so a failed copy leaves them untouched.
struct BulkLoadSchema: Sendable {
    struct Object: Sendable, Equatable {
        var table: String
        var name: String
        /// `pg_get_indexdef` or `pg_get_constraintdef`: SQL the server wrote for this very object.
        var definition: String
    }

    var indexes: [Object]
    var foreignKeys: [Object]

    /// Reads the tables' foreign keys and the indexes that back no constraint of their own.
    static func read(tables: [String], on db: any SQLDatabase) async throws -> BulkLoadSchema {
        let indexes = try await db.raw(
            """
            SELECT CAST(t.relname AS TEXT) AS table_name, CAST(i.relname AS TEXT) AS name,
                pg_get_indexdef(x.indexrelid) AS definition
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = current_schema() AND t.relname IN (\(binds: tables))
                AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.conrelid = t.oid)
            ORDER BY t.relname, i.relname
            """
        ).all().map(Self.object)
        let foreignKeys = try await db.raw(
            """
            SELECT CAST(t.relname AS TEXT) AS table_name, CAST(k.conname AS TEXT) AS name,
                pg_get_constraintdef(k.oid) AS definition
            FROM pg_constraint k
            JOIN pg_class t ON t.oid = k.conrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE k.contype = 'f' AND n.nspname = current_schema() AND t.relname IN (\(binds: tables))
            ORDER BY t.relname, k.conname
            """
        ).all().map(Self.object)
        return BulkLoadSchema(indexes: indexes, foreignKeys: foreignKeys)
    }

    private static func object(_ row: any SQLRow) throws -> Object {
        Object(
            table: try row.string("table_name"), name: try row.string("name"), definition: try row.string("definition"))
    }

    /// Drops the foreign keys, then the indexes.
    func setAside(on db: any SQLDatabase) async throws {
        for key in foreignKeys {
            try await db.raw("ALTER TABLE \(ident: key.table) DROP CONSTRAINT \(ident: key.name)").run()
        }
        for index in indexes {
            try await db.raw("DROP INDEX \(ident: index.name)").run()
        }
    }

    /// Builds the indexes again, then adds the foreign keys, which checks every row against them.
    func restore(on db: any SQLDatabase) async throws {
        for index in indexes {
            try await db.raw("\(unsafeRaw: index.definition)").run()
        }
        for key in foreignKeys {
            try await db.raw(
                "ALTER TABLE \(ident: key.table) ADD CONSTRAINT \(ident: key.name) \(unsafeRaw: key.definition)"
            ).run()
        }
    }
}
