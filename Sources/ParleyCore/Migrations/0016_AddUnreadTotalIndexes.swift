import SQLKit

/// A user's unread total adds up their sessions' unread counters on each side. Through the
/// participant indexes that reads every session of theirs (a large vendor's tens of thousands,
/// for each `message.created` webhook and each badge request); these indexes hold only the
/// sessions with something unread on that side, and the counter itself, so the sum reads those.
struct AddUnreadTotalIndexes: Migration {
    let name = "0016_AddUnreadTotalIndexes"

    func prepare(on db: any SQLDatabase, engine: DatabaseEngine) async throws {
        try await SchemaSQL.run(
            ["customer", "vendor"].map { side in
                """
                CREATE INDEX chat_sessions_\(side)_unread_idx ON chat_sessions (\(side)_id, \(side)_unread_count)
                WHERE \(side)_unread_count > 0
                """
            }, on: db)
    }
}
