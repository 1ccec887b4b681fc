import SQLKit

/// Marks the users who are the customer, or the vendor, of some session, and indexes each group's
/// names. Sorting the session list by vendor walks names in order; through `users_name_idx` it
/// passes every customer on the way (thousands before the first vendor at a million sessions),
/// through `users_vendor_name_idx` only vendors. A mark stays once set (a session's users may
/// change role, and deleting a session does not clear it): a stale mark only lengthens the walk,
/// a missing one would drop sessions from the list, so new sessions set it in their transaction.
struct AddSessionSideFlags: Migration {
    let name = "0012_AddSessionSideFlags"

    func prepare(on db: any SQLDatabase, engine: DatabaseEngine) async throws {
        for side in ["customer", "vendor"] {
            try await SchemaSQL.run(
                [
                    "ALTER TABLE users ADD COLUMN has_\(side)_sessions INTEGER NOT NULL DEFAULT 0",
                    "UPDATE users SET has_\(side)_sessions = 1 WHERE id IN (SELECT \(side)_id FROM chat_sessions)",
                    "CREATE INDEX users_\(side)_name_idx ON users (name, id) WHERE has_\(side)_sessions = 1",
                ], on: db)
        }
    }
}
