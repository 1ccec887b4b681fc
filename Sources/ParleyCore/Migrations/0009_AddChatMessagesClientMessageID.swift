import SQLKit

struct AddChatMessagesClientMessageID: Migration {
    let name = "0009_AddChatMessagesClientMessageID"

    func prepare(on db: any SQLDatabase, engine: DatabaseEngine) async throws {
        try await SchemaSQL.run(
            [
                // A client's own id for a message, so a resend after a lost answer finds the first
                // message instead of creating a second one. Unique per sender.
                "ALTER TABLE chat_messages ADD COLUMN client_message_id TEXT",
                """
                CREATE UNIQUE INDEX chat_messages_client_message_key ON chat_messages (sender_id, client_message_id)
                WHERE client_message_id IS NOT NULL
                """,
            ], on: db)
    }
}
