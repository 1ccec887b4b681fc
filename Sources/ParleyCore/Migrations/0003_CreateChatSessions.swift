import SQLKit

struct CreateChatSessions: Migration {
    let name = "0003_CreateChatSessions"

    func prepare(on db: any SQLDatabase, engine: DatabaseEngine) async throws {
        let newestFirst = engine.dialect.descendingNullsLast("last_message_at") + ", id DESC"
        try await SchemaSQL.run(
            [
                """
                CREATE TABLE chat_sessions (
                    \(engine.dialect.identityPrimaryKey),
                    product_id BIGINT NOT NULL REFERENCES products (id),
                    customer_id BIGINT NOT NULL REFERENCES users (id),
                    vendor_id BIGINT NOT NULL REFERENCES users (id),
                    last_message_at BIGINT,
                    messages_count BIGINT NOT NULL DEFAULT 0 CHECK (messages_count >= 0),
                    unread_count BIGINT NOT NULL DEFAULT 0 CHECK (unread_count >= 0),
                    customer_unread_count BIGINT NOT NULL DEFAULT 0 CHECK (customer_unread_count >= 0),
                    vendor_unread_count BIGINT NOT NULL DEFAULT 0 CHECK (vendor_unread_count >= 0),
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    CHECK (customer_id <> vendor_id),
                    UNIQUE (product_id, customer_id, vendor_id)
                )
                """,
                // The list view's default order, and keyset pagination over it.
                "CREATE INDEX chat_sessions_last_message_idx ON chat_sessions (\(newestFirst))",
                // Customer and vendor filters (and a user's own conversations), newest first.
                "CREATE INDEX chat_sessions_customer_idx ON chat_sessions (customer_id, \(newestFirst))",
                "CREATE INDEX chat_sessions_vendor_idx ON chat_sessions (vendor_id, \(newestFirst))",
                // The product filter uses the unique constraint's index, which starts with product_id.
                "CREATE INDEX chat_sessions_messages_count_idx ON chat_sessions (messages_count, id)",
                "CREATE INDEX chat_sessions_created_at_idx ON chat_sessions (created_at, id)",
                "CREATE INDEX chat_sessions_updated_at_idx ON chat_sessions (updated_at, id)",
                // "Has unread messages": only the sessions needing attention are in this index.
                "CREATE INDEX chat_sessions_unread_idx ON chat_sessions (\(newestFirst)) WHERE unread_count > 0",
            ], on: db)
    }
}
