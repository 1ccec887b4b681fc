import SQLKit

/// Trust and safety: what a message was flagged for and, when its contact details were hidden,
/// the text as written (for administrators only); who blocked whom; reports and flagged
/// messages waiting for a moderator; and banned accounts.
struct AddModeration: Migration {
    let name = "0017_AddModeration"

    func prepare(on db: any SQLDatabase, engine: DatabaseEngine) async throws {
        let key = engine.dialect.identityPrimaryKey
        try await SchemaSQL.run(
            [
                // Flag names joined by commas ('' for none); participants only ever see `body`.
                "ALTER TABLE chat_messages ADD COLUMN flags TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE chat_messages ADD COLUMN original_body TEXT",
                "ALTER TABLE users ADD COLUMN banned_at BIGINT",
                // A block is between two people, whatever the product: blocking someone in one
                // conversation stops them in every other one with you.
                """
                CREATE TABLE user_blocks (
                    blocker_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    blocked_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (blocker_id, blocked_id)
                )
                """,
                "CREATE INDEX user_blocks_blocked_idx ON user_blocks (blocked_id)",
                // One row per report and per flagged message. A case outlives the message it is
                // about (a moderator may delete it) but not its conversation.
                """
                CREATE TABLE moderation_cases (
                    \(key),
                    source TEXT NOT NULL CHECK (source IN ('report', 'detector')),
                    reason TEXT NOT NULL
                        CHECK (reason IN ('spam', 'scam', 'harassment', 'off_platform', 'other', 'contact_details')),
                    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'dismissed', 'actioned')),
                    chat_session_id BIGINT NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
                    message_id BIGINT REFERENCES chat_messages (id) ON DELETE SET NULL,
                    reporter_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
                    reported_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
                    note TEXT,
                    resolution TEXT,
                    resolved_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
                    resolved_at BIGINT,
                    created_at BIGINT NOT NULL
                )
                """,
                // The queue: newest first within a state, and the open count for the sidebar.
                "CREATE INDEX moderation_cases_state_idx ON moderation_cases (state, id)",
                "CREATE INDEX moderation_cases_session_idx ON moderation_cases (chat_session_id)",
                "CREATE INDEX moderation_cases_message_idx ON moderation_cases (message_id)",
                "CREATE INDEX moderation_cases_reporter_idx ON moderation_cases (reporter_id, state)",
            ], on: db)
    }
}
