import SQLKit

/// Substring search on PostgreSQL through trigram indexes on the name keys (`pg_trgm`, which
/// ships with PostgreSQL). A `LIKE '%oak%'` then reads the few names holding those trigrams
/// instead of every name. SQLite has no such index; it reads the narrow `name_key` indexes whole.
struct AddTrigramNameIndexes: Migration {
    let name = "0011_AddTrigramNameIndexes"

    func prepare(on db: any SQLDatabase, engine: DatabaseEngine) async throws {
        guard engine == .postgres else { return }
        let schema = try await Self.trigramSchema(on: db)
        for table in ["users", "products"] {
            try await db.raw(
                """
                CREATE INDEX \(unsafeRaw: table)_name_key_trgm_idx ON \(unsafeRaw: table)
                USING gin (name_key \(ident: schema).gin_trgm_ops)
                """
            ).run()
        }
    }

    /// Makes sure `pg_trgm` is installed and returns the schema it lives in. It goes into `public`
    /// when it is new, so that it is shared by every schema of the database rather than owned by
    /// (and dropped with) the first one to migrate.
    static func trigramSchema(on db: any SQLDatabase) async throws -> String {
        do {
            try await db.raw("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public").run()
        } catch {
            throw DatabaseUnavailable(
                description: """
                    PostgreSQL's pg_trgm extension is needed for substring search and could not be created \
                    (\(String(reflecting: error))). Have a superuser run CREATE EXTENSION pg_trgm in this \
                    database once, then start Parley again.
                    """)
        }
        let row = try await db.raw(
            """
            SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
            WHERE e.extname = 'pg_trgm'
            """
        ).first()
        return try row?.string("schema") ?? "public"
    }
}
