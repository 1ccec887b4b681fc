import Foundation
import SQLKit

extension ChatSessionListing {
    /// Hands every session matching `query` to `body` in batches, in the list's order (`query.sort`
    /// and `query.direction`, the same ORDER BY as a page). With `ids`, only those sessions, in that
    /// order; the query's search and filters are then ignored.
    ///
    /// Each batch starts right after the previous batch's last row (keyset pagination over the
    /// order's columns) and walks the same index as a page of the list, so exporting a million rows
    /// holds one batch in memory and never re-reads what it passed. Batches are read one after
    /// another, not in one snapshot: a session that changes during the export may be missed or
    /// listed twice.
    public func forEachBatch(
        of query: ChatSessionListQuery, ids: [Int64]? = nil, batchSize: Int = 1_000,
        _ body: ([ChatSessionRow]) async throws -> Void
    ) async throws {
        if let ids, ids.isEmpty { return }
        let engine = database.engine
        let now = clock()
        var search = SearchRoute.none
        if ids == nil {
            search = try await database.read { db in
                try await SearchRoute.choose(for: query.search, on: db, engine: engine)
            }
            if case .nothing = search { return }
        }
        let plan = Plan(query: query, search: search, engine: engine, now: now)
        let keyset = Keyset(sort: query.sort, direction: query.direction)
        assert(keyset.orderBy == plan.orderBy, "the export's keyset must follow the list's ORDER BY")
        let source: SQLQueryString = ids == nil ? plan.orderedSource : Self.everyName
        let conditions: [SQLQueryString] = ids.map { ["s.id IN (\(binds: $0))"] } ?? plan.conditionParts
        for segment in keyset.segments {
            var last: [Keyset.Value]?
            while true {
                var parts = conditions
                if let condition = segment.condition { parts.append(condition) }
                if let last { parts += segment.after(last) }
                let sql: SQLQueryString =
                    "SELECT s.id FROM " + source + Plan.whereClause(parts)
                    + " ORDER BY \(unsafeRaw: plan.orderBy) LIMIT \(bind: batchSize)"
                let (count, rows, key) = try await database.read { db in
                    let batch = try await db.raw(sql).all().map { try $0.int64("id") }
                    if batch.isEmpty { return (0, [ChatSessionRow](), [Keyset.Value]?.none) }
                    let found = try await db.raw(plan.rows(ids: batch)).all()
                    return (batch.count, try found.map(ChatSessionRow.init(row:)), try found.last.map(segment.key))
                }
                if !rows.isEmpty { try await body(rows) }
                // A session deleted between the two statements only shortens the batch.
                guard count == batchSize else { break }
                last = key ?? last
            }
        }
    }

    /// Sessions with every name joined in, for exporting chosen sessions in any order.
    static let everyName: SQLQueryString =
        "chat_sessions s JOIN products p ON p.id = s.product_id JOIN users c ON c.id = s.customer_id"
        + " JOIN users v ON v.id = s.vendor_id"
}
