import SQLKit

struct CreateAPITokens: Migration {
    let name = "0008_CreateAPITokens"

    func prepare(on db: any SQLDatabase, engine: DatabaseEngine) async throws {
        try await SchemaSQL.run(
            [
                // Bearer tokens for the mobile app and the web client, stored as SHA-256 hashes only.
                """
                CREATE TABLE api_tokens (
                    token_hash TEXT PRIMARY KEY,
                    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    created_at BIGINT NOT NULL,
                    last_used_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX api_tokens_user_idx ON api_tokens (user_id)",
            ], on: db)
    }
}
