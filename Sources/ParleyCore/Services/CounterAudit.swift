import Foundation
import SQLKit

/// A session whose stored counters disagree with its messages.
public struct CounterDrift: Sendable, Equatable, CustomStringConvertible {
    public struct Counters: Sendable, Equatable, CustomStringConvertible {
        public var messages: Int64
        public var unread: Int64
        public var customerUnread: Int64
        public var vendorUnread: Int64

        public init(messages: Int64, unread: Int64, customerUnread: Int64, vendorUnread: Int64) {
            self.messages = messages
            self.unread = unread
            self.customerUnread = customerUnread
            self.vendorUnread = vendorUnread
        }

        public var description: String {
            "messages \(messages), unread \(unread) (customer \(customerUnread), vendor \(vendorUnread))"
        }
    }

    public var sessionID: Int64
    public var stored: Counters
    public var actual: Counters

    public var description: String {
        "session #\(sessionID): stored \(stored); counted \(actual)"
    }
}

/// Recounts every session from `chat_messages` and compares with the stored counters.
///
/// The counters are the list view's only source for message and unread counts, so drift would
/// show wrong numbers; this finds it and repairs it.
public struct CounterAudit: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Sessions whose counters disagree with a recount, at most `limit` of them, by id.
    public func findDrift(limit: Int = 1_000) async throws -> [CounterDrift] {
        try await database.read { db in try await Self.drift(on: db, limit: limit) }
    }

    /// Rewrites the counters of every drifted session from a recount; returns how many changed.
    @discardableResult
    public func repair() async throws -> Int {
        try await database.write { db in
            var repaired = 0
            while true {
                let drift = try await Self.drift(on: db, limit: 1_000)
                if drift.isEmpty { return repaired }
                let ids = drift.map(\.sessionID)
                // Correlated recounts rather than the values read above: they are computed under the
                // row locks this UPDATE takes, so a message sent meanwhile is not lost.
                try await db.raw(
                    """
                    UPDATE chat_sessions SET
                        messages_count = (SELECT COUNT(*) FROM chat_messages m
                            WHERE m.chat_session_id = chat_sessions.id),
                        unread_count = (SELECT COUNT(*) FROM chat_messages m
                            WHERE m.chat_session_id = chat_sessions.id AND m.read_at IS NULL),
                        customer_unread_count = (SELECT COUNT(*) FROM chat_messages m
                            WHERE m.chat_session_id = chat_sessions.id AND m.read_at IS NULL
                                AND m.sender_role = 'vendor'),
                        vendor_unread_count = (SELECT COUNT(*) FROM chat_messages m
                            WHERE m.chat_session_id = chat_sessions.id AND m.read_at IS NULL
                                AND m.sender_role = 'customer')
                    WHERE id IN (\(binds: ids))
                    """
                ).run()
                repaired += ids.count
            }
        }
    }

    private static func drift(on db: any SQLDatabase, limit: Int) async throws -> [CounterDrift] {
        // One pass over chat_messages grouped by session (index chat_messages_session_idx), joined to
        // every session so that sessions whose messages are all gone are checked too.
        let rows = try await db.raw(
            """
            SELECT s.id, s.messages_count, s.unread_count, s.customer_unread_count, s.vendor_unread_count,
                COALESCE(m.total, 0) AS actual_messages,
                COALESCE(m.unread, 0) AS actual_unread,
                COALESCE(m.customer_unread, 0) AS actual_customer_unread,
                COALESCE(m.vendor_unread, 0) AS actual_vendor_unread
            FROM chat_sessions s
            LEFT JOIN (
                SELECT chat_session_id,
                    CAST(COUNT(*) AS BIGINT) AS total,
                    CAST(SUM(CASE WHEN read_at IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS unread,
                    CAST(SUM(CASE WHEN read_at IS NULL AND sender_role = 'vendor' THEN 1 ELSE 0 END) AS BIGINT)
                        AS customer_unread,
                    CAST(SUM(CASE WHEN read_at IS NULL AND sender_role = 'customer' THEN 1 ELSE 0 END) AS BIGINT)
                        AS vendor_unread
                FROM chat_messages GROUP BY chat_session_id
            ) m ON m.chat_session_id = s.id
            WHERE s.messages_count <> COALESCE(m.total, 0)
                OR s.unread_count <> COALESCE(m.unread, 0)
                OR s.customer_unread_count <> COALESCE(m.customer_unread, 0)
                OR s.vendor_unread_count <> COALESCE(m.vendor_unread, 0)
            ORDER BY s.id
            LIMIT \(bind: limit)
            """
        ).all()
        return try rows.map { row in
            CounterDrift(
                sessionID: try row.int64("id"),
                stored: .init(
                    messages: try row.int64("messages_count"), unread: try row.int64("unread_count"),
                    customerUnread: try row.int64("customer_unread_count"),
                    vendorUnread: try row.int64("vendor_unread_count")),
                actual: .init(
                    messages: try row.int64("actual_messages"), unread: try row.int64("actual_unread"),
                    customerUnread: try row.int64("actual_customer_unread"),
                    vendorUnread: try row.int64("actual_vendor_unread")))
        }
    }
}
