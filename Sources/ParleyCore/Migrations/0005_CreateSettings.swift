import SQLKit

struct CreateSettings: Migration {
    let name = "0005_CreateSettings"

    func prepare(on db: any SQLDatabase, engine: DatabaseEngine) async throws {
        try await SchemaSQL.run(
            [
                """
                CREATE TABLE settings (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL,
                    updated_at BIGINT NOT NULL
                )
                """,
                "INSERT INTO settings (key, value, updated_at) VALUES ('chat_enabled', 'true', 0)",
            ], on: db)
    }
}
