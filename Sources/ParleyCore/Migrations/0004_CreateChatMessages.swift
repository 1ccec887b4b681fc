import SQLKit

struct CreateChatMessages: Migration {
    let name = "0004_CreateChatMessages"

    func prepare(on db: any SQLDatabase, engine: DatabaseEngine) async throws {
        try await SchemaSQL.run(
            [
                // sender_role keeps the direction of a message even if an administrator later
                // reassigns the session's customer or vendor, so unread counts stay attributable.
                """
                CREATE TABLE chat_messages (
                    \(engine.dialect.identityPrimaryKey),
                    chat_session_id BIGINT NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
                    sender_id BIGINT NOT NULL REFERENCES users (id),
                    sender_role TEXT NOT NULL CHECK (sender_role IN ('customer', 'vendor')),
                    body TEXT NOT NULL,
                    read_at BIGINT,
                    created_at BIGINT NOT NULL
                )
                """,
                // A conversation's messages in order, in pages either way; also serves the cascade.
                "CREATE INDEX chat_messages_session_idx ON chat_messages (chat_session_id, id)",
            ], on: db)
    }
}
