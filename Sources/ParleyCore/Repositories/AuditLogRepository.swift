import Foundation
import SQLKit

/// Appends to and reads `audit_log`. There is deliberately no way to change or remove an entry;
/// the table's triggers refuse it as well.
public struct AuditLogRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    public func append(_ record: AuditRecord, at now: Date) async throws {
        try await db.raw(
            """
            INSERT INTO audit_log (created_at, actor_id, actor_name, actor_email, action, target_type, target_ids,
                summary, client_address)
            VALUES (\(bind: now.epochMilliseconds), \(bind: record.actor.id), \(bind: record.actor.name),
                \(bind: record.actor.email), \(bind: record.action.rawValue), \(bind: record.target.rawValue),
                \(bind: record.targetIDs.map(String.init).joined(separator: ",")), \(bind: record.summary),
                \(bind: record.clientAddress))
            """
        ).run()
    }

    /// Appends an action of the administrator `context` names, by default the one the task acts for
    /// (``AuditContext/current``), in the caller's transaction; nothing when no administrator acts.
    func appendAction(
        _ action: AuditAction, target: AuditTarget = .none, ids: [Int64] = [], summary: String = "",
        by context: AuditContext? = AuditContext.current, at now: Date
    ) async throws {
        guard let context else { return }
        try await append(context.record(action, target: target, ids: ids, summary: summary), at: now)
    }

    /// Newest first (index audit_log_created_idx, or the actor or action index when filtered).
    /// `after` continues a walk over every entry past that one, as the CSV export does.
    public func entries(
        _ filter: AuditLogFilter, limit: Int, offset: Int = 0, after last: AuditEntry? = nil
    ) async throws -> [AuditEntry] {
        var conditions = Self.conditions(filter)
        if let last {
            let stamp = last.createdAt.epochMilliseconds
            conditions.append(
                "(created_at < \(bind: stamp) OR (created_at = \(bind: stamp) AND id < \(bind: last.id)))")
        }
        return try await db.raw(
            "SELECT \(unsafeRaw: AuditEntry.columns) FROM audit_log" + Self.whereClause(conditions)
                + " ORDER BY created_at DESC, id DESC LIMIT \(bind: limit) OFFSET \(bind: offset)"
        ).all().map(AuditEntry.init(row:))
    }

    public func count(_ filter: AuditLogFilter) async throws -> Int {
        let row = try await db.raw(
            "SELECT COUNT(*) AS n FROM audit_log" + Self.whereClause(Self.conditions(filter))
        ).first()
        return Int(try row?.int64("n") ?? 0)
    }

    /// Everyone who has done something, by id, with the name of their latest entry.
    public func actors() async throws -> [AuditActor] {
        try await db.raw(
            """
            SELECT a.actor_id, a.actor_name, a.actor_email FROM audit_log a
            JOIN (SELECT actor_id, MAX(id) AS id FROM audit_log WHERE actor_id IS NOT NULL GROUP BY actor_id) latest
                ON latest.id = a.id
            ORDER BY a.actor_name, a.actor_id
            """
        ).all().map { row in
            AuditActor(
                id: try row.int64("actor_id"), name: try row.string("actor_name"),
                email: try row.string("actor_email"))
        }
    }

    static func conditions(_ filter: AuditLogFilter) -> [SQLQueryString] {
        var conditions: [SQLQueryString] = []
        if let actorID = filter.actorID { conditions.append("actor_id = \(bind: actorID)") }
        if let action = filter.action { conditions.append("action = \(bind: action.rawValue)") }
        if let from = filter.from { conditions.append("created_at >= \(bind: from.epochMilliseconds)") }
        if let until = filter.until { conditions.append("created_at < \(bind: until.epochMilliseconds)") }
        return conditions
    }

    static func whereClause(_ conditions: [SQLQueryString]) -> SQLQueryString {
        conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
    }
}
