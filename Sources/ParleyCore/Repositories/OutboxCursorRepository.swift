import SQLKit

/// `outbox_cursor` (migration 0014): how far into the event log notifications have been decided.
public struct OutboxCursorRepository: Sendable {
    let db: any SQLDatabase
    let engine: DatabaseEngine

    public init(_ db: any SQLDatabase, engine: DatabaseEngine) {
        self.db = db
        self.engine = engine
    }

    /// The position, locked until the transaction ends; nil while another instance's transaction
    /// holds it (PostgreSQL), so instances take turns without waiting on each other.
    public func lockForDispatch() async throws -> Int64? {
        try await db.raw(
            """
            SELECT position FROM outbox_cursor WHERE id = 1\(unsafeRaw: engine.dialect.claiming("outbox_cursor"))
            """
        ).first()?.int64("position")
    }

    public func position() async throws -> Int64 {
        try await db.raw("SELECT position FROM outbox_cursor WHERE id = 1").first()?.int64("position") ?? 0
    }

    public func advance(to position: Int64) async throws {
        try await db.raw("UPDATE outbox_cursor SET position = \(bind: position) WHERE id = 1").run()
    }
}
