import SQLKit

/// What decides who hears about a message outside the app: the devices a user registered for push,
/// whether they want unread reminders by email, and the conversations they muted. The global
/// reminder switch is a row of `settings` (``SettingsRepository/emailRemindersEnabledKey``),
/// written when an administrator first changes it.
struct AddNotificationPreferences: Migration {
    let name = "0015_AddNotificationPreferences"

    func prepare(on db: any SQLDatabase, engine: DatabaseEngine) async throws {
        try await SchemaSQL.run(
            [
                // A push token belongs to one user at a time: registering it again elsewhere moves it.
                """
                CREATE TABLE devices (
                    \(engine.dialect.identityPrimaryKey),
                    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    platform TEXT NOT NULL CHECK (platform IN ('ios', 'android', 'web')),
                    token TEXT NOT NULL UNIQUE,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL
                )
                """,
                // A user's devices, and the tokens of a batch of recipients.
                "CREATE INDEX devices_user_idx ON devices (user_id, id)",
                "ALTER TABLE users ADD COLUMN email_reminders INTEGER NOT NULL DEFAULT 1",
                // The primary key answers "is this session muted by these users"; the index the
                // opposite way round serves a user's mutes and the cascade when a user is deleted.
                """
                CREATE TABLE chat_session_mutes (
                    chat_session_id BIGINT NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
                    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (chat_session_id, user_id)
                )
                """,
                "CREATE INDEX chat_session_mutes_user_idx ON chat_session_mutes (user_id)",
            ], on: db)
    }
}
