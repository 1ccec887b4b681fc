import SQLKit

/// Adds `name_key`, the searchable form of a name (``SearchKey``), to users and products and
/// fills it for the rows already there.
struct AddNameSearchKeys: Migration {
    let name = "0010_AddNameSearchKeys"

    func prepare(on db: any SQLDatabase, engine: DatabaseEngine) async throws {
        for table in ["users", "products"] {
            try await db.raw("ALTER TABLE \(unsafeRaw: table) ADD COLUMN name_key TEXT NOT NULL DEFAULT ''").run()
            try await Self.fill(table, on: db)
        }
        // A substring search reads every key; from these indexes it reads only the keys (and
        // row ids), not the whole rows with their password hashes and timestamps.
        try await db.raw("CREATE INDEX users_name_key_idx ON users (name_key)").run()
        try await db.raw("CREATE INDEX products_name_key_idx ON products (name_key)").run()
    }

    /// Writes every row's key from its name, a thousand rows at a time.
    static func fill(_ table: String, on db: any SQLDatabase) async throws {
        var after: Int64 = 0
        while true {
            let rows = try await db.raw(
                "SELECT id, name FROM \(unsafeRaw: table) WHERE id > \(bind: after) ORDER BY id LIMIT 1000"
            ).all()
            guard !rows.isEmpty else { break }
            for row in rows {
                let id = try row.int64("id")
                let key = SearchKey.fold(try row.string("name"))
                try await db.raw("UPDATE \(unsafeRaw: table) SET name_key = \(bind: key) WHERE id = \(bind: id)").run()
                after = id
            }
        }
    }
}
