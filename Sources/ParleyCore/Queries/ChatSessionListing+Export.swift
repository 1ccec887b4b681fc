import Foundation
import SQLKit

extension ChatSessionListing {
    /// Hands every session matching `query` (or, with `ids`, just those sessions) to `body` in
    /// batches, in id order. Each batch is one keyset query, so exporting 100,000 rows holds only
    /// one batch in memory and never re-reads what it skipped.
    public func forEachBatch(
        of query: ChatSessionListQuery, ids: [Int64]? = nil, batchSize: Int = 1_000,
        _ body: ([ChatSessionRow]) async throws -> Void
    ) async throws {
        let engine = database.engine
        let now = clock()
        let search = try await database.read { db in
            try await SearchRoute.choose(for: query.search, on: db, engine: engine)
        }
        if case .nothing = search { return }
        let plan = Plan(query: query, search: search, engine: engine, now: now)
        var after: Int64 = 0
        while true {
            var parts = plan.conditionParts + ["s.id > \(bind: after)"]
            if let ids {
                guard !ids.isEmpty else { return }
                parts.append("s.id IN (\(binds: ids))")
            }
            let conditions = Plan.whereClause(parts)
            let sql: SQLQueryString =
                """
                SELECT s.id, s.product_id, s.customer_id, s.vendor_id, s.last_message_at, s.messages_count,
                    s.unread_count, s.created_at, s.updated_at,
                    p.name AS product_name, c.name AS customer_name, v.name AS vendor_name
                FROM
                """ + " " + plan.sessions
                + " JOIN products p ON p.id = s.product_id JOIN users c ON c.id = s.customer_id"
                + " JOIN users v ON v.id = s.vendor_id" + conditions
                + " ORDER BY s.id LIMIT \(bind: batchSize)"
            let rows = try await database.read { db in try await db.raw(sql).all().map(ChatSessionRow.init(row:)) }
            if rows.isEmpty { return }
            try await body(rows)
            guard rows.count == batchSize, let last = rows.last?.id else { return }
            after = last
        }
    }
}
