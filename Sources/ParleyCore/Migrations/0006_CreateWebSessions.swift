import SQLKit

struct CreateWebSessions: Migration {
    let name = "0006_CreateWebSessions"

    func prepare(on db: any SQLDatabase, engine: DatabaseEngine) async throws {
        try await SchemaSQL.run(
            [
                // Only a SHA-256 of the cookie's token is stored: a copy of this table signs nobody in.
                """
                CREATE TABLE web_sessions (
                    token_hash TEXT PRIMARY KEY,
                    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    csrf_token TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX web_sessions_expires_idx ON web_sessions (expires_at)",
                "CREATE INDEX web_sessions_user_idx ON web_sessions (user_id)",
            ], on: db)
    }
}
