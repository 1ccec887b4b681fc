import Foundation
import SQLKit

/// Reads and writes `chat_sessions`. Only ``ChatService`` changes them, inside its transactions.
public struct ChatSessionRepository: Sendable {
    let db: any SQLDatabase
    let engine: DatabaseEngine

    public init(_ db: any SQLDatabase, engine: DatabaseEngine) {
        self.db = db
        self.engine = engine
    }

    public func find(id: Int64) async throws -> ChatSession? {
        try await db.raw("SELECT \(unsafeRaw: ChatSession.columns) FROM chat_sessions WHERE id = \(bind: id)")
            .first().map(ChatSession.init(row:))
    }

    /// Reads a session and locks it for the rest of the transaction (``findForUpdate(ids:)``).
    func findForUpdate(id: Int64) async throws -> ChatSession? {
        try await findForUpdate(ids: [id]).first
    }

    /// Reads sessions and locks their rows until the transaction ends, so two concurrent changes
    /// to one conversation apply one after the other. Rows are locked in id order, so two
    /// transactions locking several cannot deadlock.
    func findForUpdate(ids: some Collection<Int64>) async throws -> [ChatSession] {
        guard !ids.isEmpty else { return [] }
        return try await db.raw(
            """
            SELECT \(unsafeRaw: ChatSession.columns) FROM chat_sessions WHERE id IN (\(binds: ids.sorted()))
            ORDER BY id\(unsafeRaw: engine.dialect.lockingSelectedRows)
            """
        ).all().map(ChatSession.init(row:))
    }

    /// Reads what a batch of sends needs before it writes, in one statement: each session with the
    /// blocks between its two people, and `reservingMessageIDs` ids for the messages the batch may
    /// add. With `locking`, the sessions stay locked as ``findForUpdate(ids:)`` locks them.
    func readForSending(
        ids: some Collection<Int64>, reservingMessageIDs count: Int, locking: Bool
    ) async throws -> SessionsForSending {
        guard !ids.isEmpty else { return SessionsForSending(sessions: [:], reservedMessageIDs: []) }
        let dialect = engine.dialect
        // Blocks come with the lock, through user_blocks' primary key: no extra round trip per batch.
        let rows = try await db.raw(
            """
            SELECT \(unsafeRaw: ChatSession.columns),
                CASE WHEN EXISTS (SELECT 1 FROM user_blocks b WHERE b.blocker_id = chat_sessions.customer_id
                    AND b.blocked_id = chat_sessions.vendor_id) THEN 1 ELSE 0 END AS customer_blocked,
                CASE WHEN EXISTS (SELECT 1 FROM user_blocks b WHERE b.blocker_id = chat_sessions.vendor_id
                    AND b.blocked_id = chat_sessions.customer_id) THEN 1 ELSE 0 END AS vendor_blocked,
                \(dialect.reservingIDs(of: "chat_messages", count: count))
            FROM chat_sessions WHERE \(dialect.isOneOfBatch("id", ids.sorted()))
            ORDER BY id\(unsafeRaw: locking ? dialect.lockingSelectedRows : "")
            """
        ).all()
        var sessions: [Int64: SessionsForSending.Session] = [:]
        for row in rows {
            var blockers: Set<ParticipantRole> = []
            if try row.int64("customer_blocked") != 0 { blockers.insert(.customer) }
            if try row.int64("vendor_blocked") != 0 { blockers.insert(.vendor) }
            let session = try ChatSession(row: row)
            sessions[session.id] = .init(session: session, blockers: blockers)
        }
        let reserved = try rows.first.map { try dialect.reservedIDs(in: $0, count: count) } ?? []
        return SessionsForSending(sessions: sessions, reservedMessageIDs: reserved)
    }

    public func find(ids: [Int64]) async throws -> [ChatSession] {
        guard !ids.isEmpty else { return [] }
        return try await db.raw(
            "SELECT \(unsafeRaw: ChatSession.columns) FROM chat_sessions WHERE id IN (\(binds: ids)) ORDER BY id"
        ).all().map(ChatSession.init(row:))
    }

    /// The session for a (product, customer, vendor) triple, through its unique index.
    public func find(productID: Int64, customerID: Int64, vendorID: Int64) async throws -> ChatSession? {
        try await db.raw(
            """
            SELECT \(unsafeRaw: ChatSession.columns) FROM chat_sessions
            WHERE product_id = \(bind: productID) AND customer_id = \(bind: customerID)
                AND vendor_id = \(bind: vendorID)
            """
        ).first().map(ChatSession.init(row:))
    }

    func insert(
        productID: Int64, customerID: Int64, vendorID: Int64, lastMessageAt: Date?, at now: Date
    )
        async throws -> ChatSession
    {
        let stamp = now.epochMilliseconds
        let row = try await db.raw(
            """
            INSERT INTO chat_sessions (product_id, customer_id, vendor_id, last_message_at, created_at, updated_at)
            VALUES (\(bind: productID), \(bind: customerID), \(bind: vendorID),
                \(bind: lastMessageAt?.epochMilliseconds), \(bind: stamp), \(bind: stamp))
            RETURNING \(unsafeRaw: ChatSession.columns)
            """
        ).first()
        guard let row else { throw DatabaseUnavailable(description: "INSERT … RETURNING gave no row") }
        try await markSides(customerID: customerID, vendorID: vendorID)
        return try ChatSession(row: row)
    }

    /// Marks a session's users as taking part on their side (migration 0012), in the session's
    /// transaction; one statement, which locks the two rows in index order whichever side each is.
    private func markSides(customerID: Int64, vendorID: Int64) async throws {
        try await db.raw(
            """
            UPDATE users SET
                has_customer_sessions = CASE WHEN id = \(bind: customerID) THEN 1 ELSE has_customer_sessions END,
                has_vendor_sessions = CASE WHEN id = \(bind: vendorID) THEN 1 ELSE has_vendor_sessions END
            WHERE (id = \(bind: customerID) AND has_customer_sessions = 0)
                OR (id = \(bind: vendorID) AND has_vendor_sessions = 0)
            """
        ).run()
    }

    /// Marks the users of every session as taking part on their side, for sessions written in bulk
    /// rather than through ``insert(productID:customerID:vendorID:lastMessageAt:at:)``.
    func markSidesOfEverySession() async throws {
        for side in ["customer", "vendor"] {
            try await db.raw(
                """
                UPDATE users SET has_\(unsafeRaw: side)_sessions = 1
                WHERE has_\(unsafeRaw: side)_sessions = 0 AND id IN (SELECT \(unsafeRaw: side)_id FROM chat_sessions)
                """
            ).run()
        }
    }

    func update(
        id: Int64, productID: Int64, customerID: Int64, vendorID: Int64, lastMessageAt: Date?, at now: Date
    ) async throws -> ChatSession? {
        let updated = try await db.raw(
            """
            UPDATE chat_sessions SET product_id = \(bind: productID), customer_id = \(bind: customerID),
                vendor_id = \(bind: vendorID), last_message_at = \(bind: lastMessageAt?.epochMilliseconds),
                updated_at = \(bind: now.epochMilliseconds)
            WHERE id = \(bind: id)
            RETURNING \(unsafeRaw: ChatSession.columns)
            """
        ).first().map(ChatSession.init(row:))
        if updated != nil { try await markSides(customerID: customerID, vendorID: vendorID) }
        return updated
    }

    /// A statement that stores sessions' counters, last message time and update time as given:
    /// for sessions whose new values were worked out from their rows as read
    /// (``ChatSession/recording(_:at:)``), which this transaction holds locked or which `condition`
    /// (true or false for the whole statement) finds unchanged.
    func storingCounters(of sessions: [ChatSession], when condition: SQLQueryString? = nil) -> SQLQueryString {
        let values = engine.dialect.rows(
            [
                .int64("counted_id", sessions.map(\.id)),
                .int64("messages_count", sessions.map(\.messagesCount)),
                .int64("unread_count", sessions.map(\.unreadCount)),
                .int64("customer_unread_count", sessions.map(\.customerUnreadCount)),
                .int64("vendor_unread_count", sessions.map(\.vendorUnreadCount)),
                .optionalInt64("last_message_at", sessions.map { $0.lastMessageAt?.epochMilliseconds }),
                .int64("updated_at", sessions.map(\.updatedAt.epochMilliseconds)),
            ], as: "c")
        let statement: SQLQueryString = """
            UPDATE chat_sessions SET messages_count = c.messages_count, unread_count = c.unread_count,
                customer_unread_count = c.customer_unread_count, vendor_unread_count = c.vendor_unread_count,
                last_message_at = c.last_message_at, updated_at = c.updated_at
            FROM \(values)
            WHERE chat_sessions.id = c.counted_id
            """
        guard let condition else { return statement }
        return statement + " AND (" + condition + ")"
    }

    /// PostgreSQL: a query that locks the given sessions and returns the id of each whose row is
    /// still as given (the same people, counters and update time): part of a statement that
    /// writes only if it returns them all.
    func lockingUnchanged(_ sessions: [ChatSession]) -> SQLQueryString {
        let values = engine.dialect.rows(
            [
                .int64("read_id", sessions.map(\.id)),
                .int64("customer_id", sessions.map(\.customerID)),
                .int64("vendor_id", sessions.map(\.vendorID)),
                .int64("messages_count", sessions.map(\.messagesCount)),
                .int64("unread_count", sessions.map(\.unreadCount)),
                .int64("customer_unread_count", sessions.map(\.customerUnreadCount)),
                .int64("vendor_unread_count", sessions.map(\.vendorUnreadCount)),
                .int64("updated_at", sessions.map(\.updatedAt.epochMilliseconds)),
            ], as: "r")
        return """
            SELECT s.id FROM chat_sessions s, \(values)
            WHERE s.id = r.read_id AND s.customer_id = r.customer_id AND s.vendor_id = r.vendor_id
                AND s.messages_count = r.messages_count AND s.unread_count = r.unread_count
                AND s.customer_unread_count = r.customer_unread_count
                AND s.vendor_unread_count = r.vendor_unread_count AND s.updated_at = r.updated_at
            ORDER BY s.id FOR UPDATE OF s
            """
    }

    /// Takes `count` read messages off the unread counters of the side that received them.
    func recordRead(
        sessionID: Int64, reader: ParticipantRole, count: Int64, at now: Date
    ) async throws
        -> ChatSession?
    {
        let readerColumn = Self.unreadColumn(for: reader)
        return try await db.raw(
            """
            UPDATE chat_sessions SET unread_count = unread_count - \(bind: count),
                \(unsafeRaw: readerColumn) = \(unsafeRaw: readerColumn) - \(bind: count),
                updated_at = \(bind: now.epochMilliseconds)
            WHERE id = \(bind: sessionID)
            RETURNING \(unsafeRaw: ChatSession.columns)
            """
        ).first().map(ChatSession.init(row:))
    }

    /// Zeroes every unread counter of the given sessions.
    func clearUnread(sessionIDs: [Int64], at now: Date) async throws -> [ChatSession] {
        guard !sessionIDs.isEmpty else { return [] }
        return try await db.raw(
            """
            UPDATE chat_sessions SET unread_count = 0, customer_unread_count = 0, vendor_unread_count = 0,
                updated_at = \(bind: now.epochMilliseconds)
            WHERE id IN (\(binds: sessionIDs))
            RETURNING \(unsafeRaw: ChatSession.columns)
            """
        ).all().map(ChatSession.init(row:))
    }

    /// Takes a deleted message off the counters. When it was the newest, the last-message time falls
    /// back to the newest message left, or stays as it was when none is left.
    func recordDeletion(of message: ChatMessage, at now: Date) async throws -> ChatSession? {
        let unread: Int64 = message.isRead ? 0 : 1
        let recipientColumn = Self.unreadColumn(for: message.senderRole.counterpart)
        return try await db.raw(
            """
            UPDATE chat_sessions SET messages_count = messages_count - 1,
                unread_count = unread_count - \(bind: unread),
                \(unsafeRaw: recipientColumn) = \(unsafeRaw: recipientColumn) - \(bind: unread),
                last_message_at = CASE
                    WHEN last_message_at <= \(bind: message.createdAt.epochMilliseconds) THEN COALESCE(
                        (SELECT MAX(created_at) FROM chat_messages WHERE chat_session_id = \(bind: message.sessionID)),
                        last_message_at)
                    ELSE last_message_at END,
                updated_at = \(bind: now.epochMilliseconds)
            WHERE id = \(bind: message.sessionID)
            RETURNING \(unsafeRaw: ChatSession.columns)
            """
        ).first().map(ChatSession.init(row:))
    }

    func delete(ids: [Int64]) async throws -> [ChatSession] {
        guard !ids.isEmpty else { return [] }
        return try await db.raw(
            "DELETE FROM chat_sessions WHERE id IN (\(binds: ids)) RETURNING \(unsafeRaw: ChatSession.columns)"
        ).all().map(ChatSession.init(row:))
    }

    /// Messages waiting for `userID` across all their conversations. The `> 0` terms let
    /// chat_sessions_customer_unread_idx and chat_sessions_vendor_unread_idx answer, reading only
    /// the sessions with something unread.
    public func unreadTotal(for userID: Int64) async throws -> Int64 {
        let row = try await db.raw(
            """
            SELECT
                CAST(COALESCE((SELECT SUM(customer_unread_count) FROM chat_sessions
                    WHERE customer_id = \(bind: userID) AND customer_unread_count > 0), 0) AS BIGINT)
              + CAST(COALESCE((SELECT SUM(vendor_unread_count) FROM chat_sessions
                  WHERE vendor_id = \(bind: userID) AND vendor_unread_count > 0), 0) AS BIGINT)
                AS total
            """
        ).first()
        return try row?.int64("total") ?? 0
    }

    /// ``unreadTotal(for:)`` of several users in one query; users without sessions count 0.
    public func unreadTotals(for userIDs: [Int64]) async throws -> [Int64: Int64] {
        guard !userIDs.isEmpty else { return [:] }
        return try await db.raw(
            """
            SELECT u.id,
                CAST(COALESCE((SELECT SUM(customer_unread_count) FROM chat_sessions
                    WHERE customer_id = u.id AND customer_unread_count > 0), 0) AS BIGINT)
              + CAST(COALESCE((SELECT SUM(vendor_unread_count) FROM chat_sessions
                  WHERE vendor_id = u.id AND vendor_unread_count > 0), 0) AS BIGINT) AS total
            FROM users u WHERE \(engine.dialect.isOneOf("u.id", userIDs))
            """
        ).all().reduce(into: [:]) { totals, row in totals[try row.int64("id")] = try row.int64("total") }
    }

    /// Unread messages across every conversation, for the administrators' badge.
    public func unreadTotal() async throws -> Int64 {
        let row = try await db.raw(
            "SELECT CAST(COALESCE(SUM(unread_count), 0) AS BIGINT) AS total FROM chat_sessions WHERE unread_count > 0"
        ).first()
        return try row?.int64("total") ?? 0
    }

    static func unreadColumn(for reader: ParticipantRole) -> String {
        switch reader {
        case .customer: "customer_unread_count"
        case .vendor: "vendor_unread_count"
        }
    }
}
