import SQLKit

/// What Parley tells the world outside its own sockets: webhook endpoints and their deliveries,
/// and the email reminders owed for messages left unread.
///
/// Nothing here is written by a send. A dispatcher reads the event log after `outbox_cursor` and,
/// in one transaction with moving the cursor, turns each event into deliveries and reminder due
/// times, so every committed change is considered exactly once and a rolled-back one never.
struct CreateNotificationOutbox: Migration {
    let name = "0014_CreateNotificationOutbox"

    func prepare(on db: any SQLDatabase, engine: DatabaseEngine) async throws {
        try await SchemaSQL.run(
            [
                """
                CREATE TABLE outbox_cursor (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    position BIGINT NOT NULL
                )
                """,
                // Events logged before this migration are not announced to anyone.
                "INSERT INTO outbox_cursor (id, position) SELECT 1, position FROM event_log_head WHERE id = 1",
                """
                CREATE TABLE webhook_endpoints (
                    \(engine.dialect.identityPrimaryKey),
                    url TEXT NOT NULL,
                    description TEXT NOT NULL DEFAULT '',
                    event_types TEXT NOT NULL,
                    secret TEXT NOT NULL,
                    enabled INTEGER NOT NULL DEFAULT 1,
                    disabled_reason TEXT,
                    failing_since BIGINT,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE webhook_events (
                    \(engine.dialect.identityPrimaryKey),
                    public_id TEXT NOT NULL UNIQUE,
                    type TEXT NOT NULL,
                    chat_session_id BIGINT,
                    created_at BIGINT NOT NULL,
                    body TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE webhook_deliveries (
                    \(engine.dialect.identityPrimaryKey),
                    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
                    event_id BIGINT NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
                    ordering_key BIGINT NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at BIGINT NOT NULL,
                    give_up_at BIGINT NOT NULL,
                    lease_until BIGINT,
                    last_attempt_at BIGINT,
                    last_status INTEGER,
                    last_error TEXT,
                    created_at BIGINT NOT NULL,
                    completed_at BIGINT
                )
                """,
                // Due deliveries, oldest first; only pending ones are in the index.
                """
                CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, id)
                WHERE state = 'pending'
                """,
                // Per endpoint and session, the earliest pending delivery goes first.
                """
                CREATE INDEX webhook_deliveries_order_idx ON webhook_deliveries (endpoint_id, ordering_key, id)
                WHERE state = 'pending'
                """,
                // An endpoint's recent deliveries on its admin page.
                "CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id)",
                "CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id)",
                """
                CREATE TABLE unread_reminders (
                    chat_session_id BIGINT NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
                    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    due_at BIGINT,
                    reported_through BIGINT NOT NULL DEFAULT 0,
                    lease_until BIGINT,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_sent_at BIGINT,
                    PRIMARY KEY (chat_session_id, user_id)
                )
                """,
                "CREATE INDEX unread_reminders_due_idx ON unread_reminders (due_at) WHERE due_at IS NOT NULL",
            ], on: db)
    }
}
