import SQLKit

/// The durable event log: every change that makes events writes them here in its own transaction,
/// each at a position one past the last. Positions are handed out by bumping the one row of
/// `event_log_head`, whose lock is held until the transaction ends, so they are gapless and
/// follow commit order: a reader that has seen position p has seen everything before it. An
/// instance that stopped listening for a while reads what it missed from here.
struct CreateEventLog: Migration {
    let name = "0013_CreateEventLog"

    func prepare(on db: any SQLDatabase, engine: DatabaseEngine) async throws {
        try await SchemaSQL.run(
            [
                """
                CREATE TABLE event_log (
                    position BIGINT PRIMARY KEY,
                    origin TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    payload TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE event_log_head (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    position BIGINT NOT NULL
                )
                """,
                "INSERT INTO event_log_head (id, position) VALUES (1, 0)",
            ], on: db)
    }
}
