import Foundation
import SQLKit

/// The `event_log` table (migration 0013): appended to inside the transactions that change
/// conversations, read by instances catching up, pruned by age.
public struct EventLogRepository {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// Logs `events` at the next positions. Holds the head row's lock until the transaction ends,
    /// so positions follow commit order; call it last in a transaction, after its other locks.
    ///
    /// With a `channel` (PostgreSQL only), the same statement also NOTIFYs the batch on it, which
    /// PostgreSQL sends when the transaction commits: one round trip for the whole bookkeeping.
    /// `statements` run before, in the same statement on PostgreSQL. With a `condition` (PostgreSQL
    /// only), the events are logged only when it holds, or this throws ``ConcurrentChange``; the
    /// statements are to test it too, so that all or none of them write.
    func append(
        _ events: [ChatEvent], origin: String, at now: Date, announcingOn channel: String? = nil,
        after statements: [(name: String, statement: SQLQueryString)] = [], when condition: SQLQueryString? = nil
    ) async throws -> EventBatch {
        let payloads = events.map(\.logPayload)
        let count = Int64(events.count)
        let createdAt = now.epochMilliseconds
        let last: Int64
        if let channel {
            let opening = EventAnnouncement.opening(origin: origin)
            let closing = EventAnnouncement.closing(createdAt: createdAt, payloads: payloads)
            // The statements before come first in the same one, as parts of its WITH under their
            // names: all of them take one round trip, and each sees the database as it was before
            // any of them. A condition (which may read them) decides whether the events are logged.
            let before = statements.map { name, statement -> SQLQueryString in
                "\(unsafeRaw: name) AS (" + statement + "), "
            }
            let row = try await db.raw(
                "WITH " + before.joined(separator: "") + """
                    head AS (
                        UPDATE event_log_head SET position = position + \(bind: count)
                        WHERE id = 1 AND (\(condition ?? "TRUE")) RETURNING position
                    ), logged AS (
                        INSERT INTO event_log (position, origin, created_at, payload)
                        SELECT head.position - \(bind: count) + e.ord, \(bind: origin), \(bind: createdAt), e.payload
                        FROM head, unnest(CAST(\(bind: payloads) AS TEXT[])) WITH ORDINALITY AS e(payload, ord)
                    )
                    SELECT head.position AS position, CAST(pg_notify(\(bind: channel),
                        \(bind: opening) || CAST(head.position - \(bind: count) + 1 AS TEXT)
                        || ',"b":' || CAST(head.position AS TEXT) || \(bind: closing)) AS TEXT) AS announced
                    FROM head
                    """
            ).first()
            if condition != nil, row == nil { throw ConcurrentChange() }
            last = try Self.headPosition(in: row)
        } else {
            precondition(condition == nil, "a condition needs the statements in one (PostgreSQL)")
            for (_, statement) in statements { try await db.raw(statement).run() }
            let row = try await db.raw(
                """
                UPDATE event_log_head SET position = position + \(bind: count) WHERE id = 1
                RETURNING position
                """
            ).first()
            last = try Self.headPosition(in: row)
            let first = last - count + 1
            let rows = payloads.enumerated().map { index, payload -> SQLQueryString in
                "(\(bind: first + Int64(index)), \(bind: origin), \(bind: createdAt), \(bind: payload))"
            }
            try await db.raw(
                "INSERT INTO event_log (position, origin, created_at, payload) VALUES \(rows.joined(separator: ", "))"
            ).run()
        }
        return EventBatch(
            origin: origin, firstPosition: last - count + 1, events: events, payloads: payloads, createdAt: now)
    }

    /// The head's position as a statement that bumped it returned it.
    private static func headPosition(in row: (any SQLRow)?) throws -> Int64 {
        guard let position = try row?.int64("position") else {
            throw DatabaseUnavailable(description: "event_log_head has no row")
        }
        return position
    }

    /// The last position handed out.
    public func head() async throws -> Int64 {
        try await db.raw("SELECT position FROM event_log_head WHERE id = 1").first()?.int64("position") ?? 0
    }

    /// Events after `position`, in order, at most `limit`.
    public func entries(after position: Int64, through last: Int64 = .max, limit: Int) async throws -> [LoggedEvent] {
        try await db.raw(
            """
            SELECT position, origin, created_at, payload FROM event_log
            WHERE position > \(bind: position) AND position <= \(bind: last)
            ORDER BY position LIMIT \(bind: limit)
            """
        ).all().map { row in
            LoggedEvent(
                position: try row.int64("position"), origin: try row.string("origin"),
                event: try ChatEvent.decode(logPayload: try row.string("payload")),
                createdAt: try row.date("created_at"))
        }
    }

    /// Deletes up to `limit` of the oldest events logged before `cutoff`; returns how many.
    /// Walks the primary key from its start, so it needs no index on the time. Events the
    /// notification dispatcher has not read yet (past `outbox_cursor`) stay, however old.
    func prune(before cutoff: Date, limit: Int) async throws -> Int {
        let dispatched =
            try await db.raw("SELECT position FROM outbox_cursor WHERE id = 1").first()?
            .int64("position") ?? 0
        let oldest = try await db.raw(
            """
            SELECT position, created_at FROM event_log WHERE position <= \(bind: dispatched)
            ORDER BY position LIMIT \(bind: limit)
            """
        ).all()
        var through: Int64?
        var count = 0
        for row in oldest {
            guard try row.int64("created_at") < cutoff.epochMilliseconds else { break }
            through = try row.int64("position")
            count += 1
        }
        guard let through else { return 0 }
        try await db.raw("DELETE FROM event_log WHERE position <= \(bind: through)").run()
        return count
    }
}
