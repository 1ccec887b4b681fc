import SQLKit

/// What a database says about its own tables: their names, columns and rows, read the same way
/// on both engines. On PostgreSQL it looks in the schema the connection works in.
enum TableCatalog {
    static func tableNames(on db: any SQLDatabase, engine: DatabaseEngine) async throws -> [String] {
        let query: SQLQueryString =
            switch engine {
            case .sqlite:
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            case .postgres:
                """
                SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables
                WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name
                """
            }
        return try await db.raw(query).all().map { try $0.string("name") }
    }

    /// The table's columns in their declared order.
    static func columns(
        of table: String, on db: any SQLDatabase, engine: DatabaseEngine
    ) async throws
        -> [TableColumn]
    {
        switch engine {
        case .sqlite:
            return try await db.raw("PRAGMA table_info(\(ident: table))").all().map { row in
                TableColumn(name: try row.string("name"), kind: .init(sqliteType: try row.string("type")))
            }
        case .postgres:
            return try await db.raw(
                """
                SELECT CAST(column_name AS TEXT) AS name, CAST(data_type AS TEXT) AS type
                FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = \(bind: table)
                ORDER BY ordinal_position
                """
            ).all().map { row in
                TableColumn(name: try row.string("name"), kind: .init(postgresType: try row.string("type")))
            }
        }
    }

    /// PostgreSQL: the columns whose values a sequence hands out (identity or serial columns).
    static func sequenceColumns(of table: String, on db: any SQLDatabase) async throws -> [String] {
        try await db.raw(
            """
            SELECT CAST(column_name AS TEXT) AS name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = \(bind: table)
                AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')
            ORDER BY ordinal_position
            """
        ).all().map { try $0.string("name") }
    }

    static func rowCount(of table: String, on db: any SQLDatabase) async throws -> Int {
        let row = try await db.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()
        return Int(try row?.int64("n") ?? 0)
    }

    /// Every row of a table, each with one value per column in `columns`' order, in no particular
    /// order; for small tables and for tests.
    static func rows(
        of table: String, columns: [TableColumn], on db: any SQLDatabase
    ) async throws
        -> [[ColumnValue]]
    {
        let names = columns.map(\.name)
        return try await db.raw("SELECT \(idents: names, joinedBy: ", ") FROM \(ident: table)").all().map { row in
            try names.map { try ColumnValue.read($0, from: row) }
        }
    }
}
