/// The tables `parley migrate-data` copies, parents before the tables that reference them.
///
/// The one list of them: a test compares it with the tables a freshly migrated database holds, so a
/// migration that adds a table fails the suite until the table is added here.
public enum CopiedTables {
    /// Every table the migrations create, in an order where each table's foreign keys point to
    /// tables copied before it.
    public static let inForeignKeyOrder = [
        "users",
        "products",
        "chat_sessions",
        "chat_messages",
        "settings",
        "web_sessions",
        "sign_in_failures",
        "api_tokens",
        "event_log",
        "event_log_head",
        "outbox_cursor",
        "webhook_endpoints",
        "webhook_events",
        "webhook_deliveries",
        "unread_reminders",
        "devices",
        "chat_session_mutes",
        "user_blocks",
        "moderation_cases",
        "audit_log",
    ]

    /// The migrator's own record of what it applied; each database keeps its own.
    public static let bookkeeping = "parley_migrations"

    /// Tables in `database` this list does not account for: neither copied nor bookkeeping.
    public static func uncovered(in database: Database) async throws -> [String] {
        let known = Set(inForeignKeyOrder + [bookkeeping])
        return try await database.read { db in
            try await TableCatalog.tableNames(on: db, engine: database.engine).filter { !known.contains($0) }
        }
    }
}
