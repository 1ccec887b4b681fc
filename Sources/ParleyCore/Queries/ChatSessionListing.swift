import Foundation
import SQLKit

/// Reads pages of the administrators' chat session list, fast at a million sessions.
///
/// A page costs a handful of statements whatever its size: the page's ids (read from one index in
/// the requested order), the rows for those ids with their names joined in, and a count that stops
/// at ``countLimit``. Searching looks names up in the much smaller `products` and `users` tables
/// first and then takes one of two routes: few matching sessions are collected through the
/// foreign-key indexes and sorted; many are found by walking the order's index and testing each.
public struct ChatSessionListing: Sendable {
    /// Counting stops here: beyond it the page says "10,000+" rather than scanning on.
    public static let countLimit = 10_000
    /// A search that matches many sessions tests every session it counts against the names, so
    /// its count stops sooner: "1,000+".
    public static let searchCountLimit = 1_000
    /// A search matching at most this many products and this many users is answered by collecting
    /// their sessions first.
    static let sparseNameLimit = 1_000
    /// …as long as they have at most this many sessions between them.
    static let sparseSessionLimit = 5_000

    let database: Database
    let clock: @Sendable () -> Date

    public init(database: Database, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.clock = clock
    }

    public func page(_ query: ChatSessionListQuery) async throws -> ChatSessionPage {
        let engine = database.engine
        let now = clock()
        let search = try await database.read { db in
            try await SearchRoute.choose(for: query.search, on: db, engine: engine)
        }
        if case .nothing = search { return ChatSessionPage(rows: [], total: 0, totalIsCapped: false) }
        let plan = Plan(query: query, search: search, engine: engine, now: now)
        // The count needs nothing from the rows, so it is read at the same time on a connection of
        // its own: a page takes the longer of the two reads rather than their sum. They were never in
        // one transaction, so each still sees the data as of its own statement, as before.
        async let counted = database.read { db in Int(try await db.raw(plan.count()).first()?.int64("n") ?? 0) }
        let rows = try await database.read { db in
            let ids = try await db.raw(plan.pageIDs()).all().map { try $0.int64("id") }
            return ids.isEmpty ? [] : try await db.raw(plan.rows(ids: ids)).all().map(ChatSessionRow.init(row:))
        }
        let total = try await counted
        return ChatSessionPage(rows: rows, total: min(total, plan.countLimit), totalIsCapped: total > plan.countLimit)
    }
}

extension ChatSessionListing {
    /// How a search term narrows the sessions.
    enum SearchRoute: Sendable {
        case none
        /// Nothing is named like the term.
        case nothing
        /// Few sessions match: collect them through the products' and users' ids.
        case sparse(productIDs: [Int64], userIDs: [Int64])
        /// Many match: test each session against the names while walking the order's index. A side
        /// with few matches carries their ids; nil means too many to list, so they are looked up by
        /// name in the query itself.
        case dense(pattern: String, productIDs: [Int64]?, userIDs: [Int64]?)

        static func choose(
            for search: String, on db: any SQLDatabase, engine: DatabaseEngine
        ) async throws
            -> SearchRoute
        {
            let term = search.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !term.isEmpty else { return .none }
            let pattern = SearchKey.containsPattern(term)
            let dialect = engine.dialect
            let limit = max(sparseNameLimit, dialect.idListLimit) + 1
            let matches: SQLQueryString = "name_key LIKE \(bind: pattern) ESCAPE '\\' LIMIT \(bind: limit)"
            let productIDs = try await db.raw("SELECT id FROM products WHERE " + matches).all().map {
                try $0.int64("id")
            }
            let userIDs = try await db.raw("SELECT id FROM users WHERE " + matches).all().map { try $0.int64("id") }
            if productIDs.isEmpty && userIDs.isEmpty { return .nothing }
            let dense = SearchRoute.dense(
                pattern: pattern, productIDs: productIDs.count > dialect.idListLimit ? nil : productIDs,
                userIDs: userIDs.count > dialect.idListLimit ? nil : userIDs)
            if productIDs.count > sparseNameLimit || userIDs.count > sparseNameLimit { return dense }
            let union = Plan.union(productIDs: productIDs, userIDs: userIDs, dialect: dialect)
            let sessions =
                try await db.raw(
                    "SELECT COUNT(*) AS n FROM (SELECT id FROM (" + union
                        + ") u LIMIT \(bind: sparseSessionLimit + 1)) c"
                ).first()?.int64("n") ?? 0
            return sessions > sparseSessionLimit ? dense : .sparse(productIDs: productIDs, userIDs: userIDs)
        }
    }

    /// The SQL for one page of one query.
    struct Plan: Sendable {
        let query: ChatSessionListQuery
        let search: SearchRoute
        let engine: DatabaseEngine
        let now: Date

        var forcedJoin: String { engine.dialect.orderedJoin }

        var hasIDFilter: Bool { query.customerID != nil || query.vendorID != nil || query.productID != nil }

        var isSparseSearch: Bool {
            if case .sparse = search { return true }
            return false
        }

        /// The sessions considered before any ordering, as a FROM clause with `s` in it.
        var sessions: SQLQueryString {
            if case .sparse(let productIDs, let userIDs) = search {
                return "(" + Self.union(productIDs: productIDs, userIDs: userIDs, dialect: engine.dialect)
                    + ") m \(unsafeRaw: forcedJoin) chat_sessions s ON s.id = m.id"
            }
            return "chat_sessions s"
        }

        var conditionParts: [SQLQueryString] {
            var parts: [SQLQueryString] = []
            if let id = query.customerID { parts.append("s.customer_id = \(bind: id)") }
            if let id = query.vendorID { parts.append("s.vendor_id = \(bind: id)") }
            if let id = query.productID { parts.append("s.product_id = \(bind: id)") }
            if query.hasUnread { parts.append("s.unread_count > 0") }
            if query.recentActivity {
                let since = now.addingTimeInterval(-Double(ChatSessionListQuery.recentDays) * 86_400)
                parts.append("s.last_message_at >= \(bind: since.epochMilliseconds)")
            }
            if case .dense(let pattern, let productIDs, let userIDs) = search {
                // The unary plus keeps SQLite from answering through the foreign-key indexes, which
                // would collect every match and sort them; walking the order's index stops at a page.
                let named: SQLQueryString = "name_key LIKE \(bind: pattern) ESCAPE '\\'"
                var any: [SQLQueryString] = []
                let dialect = engine.dialect
                if let productIDs {
                    if !productIDs.isEmpty { any.append(dialect.isOneOf("+s.product_id", productIDs)) }
                } else {
                    any.append("+s.product_id IN (SELECT id FROM products WHERE " + named + ")")
                }
                if let userIDs {
                    if !userIDs.isEmpty {
                        any.append(dialect.isOneOf("+s.customer_id", userIDs))
                        any.append(dialect.isOneOf("+s.vendor_id", userIDs))
                    }
                } else {
                    any.append("+s.customer_id IN (SELECT id FROM users WHERE " + named + ")")
                    any.append("+s.vendor_id IN (SELECT id FROM users WHERE " + named + ")")
                }
                parts.append("(" + any.joined(separator: " OR ") + ")")
            }
            return parts
        }

        var conditions: SQLQueryString { Self.whereClause(conditionParts) }

        static func whereClause(_ parts: [SQLQueryString]) -> SQLQueryString {
            guard !parts.isEmpty else { return "" }
            return " WHERE " + parts.joined(separator: " AND ")
        }

        /// The page's session ids, in order.
        func pageIDs() -> SQLQueryString {
            "SELECT s.id FROM " + orderedSource + conditions
                + " ORDER BY \(unsafeRaw: orderBy) LIMIT \(bind: query.perPage) OFFSET \(bind: query.offset)"
        }

        /// FROM clause that yields sessions together with the table the order needs.
        var orderedSource: SQLQueryString {
            // Walking names in order pays off when nothing narrows the sessions; otherwise the few
            // candidates are simply sorted.
            let walkNames = !hasIDFilter && !isSparseSearch
            switch query.sort {
            case .customer, .vendor:
                let side = query.sort == .customer ? "customer" : "vendor"
                let alias = query.sort == .customer ? "c" : "v"
                let column = "\(side)_id"
                if walkNames {
                    // Only the users marked for the side are walked (migration 0012); without the
                    // hints SQLite may sort every session instead of walking the indexes.
                    let hints = (
                        engine.dialect.indexHint("users_\(side)_name_idx"),
                        engine.dialect.indexHint("chat_sessions_\(side)_idx")
                    )
                    let sql =
                        "users \(alias)\(hints.0) \(forcedJoin) chat_sessions s\(hints.1) ON s.\(column) = \(alias).id"
                        + " AND \(alias).has_\(side)_sessions = 1"
                    return SQLQueryString(sql)
                }
                return sessions + " JOIN users \(unsafeRaw: alias) ON \(unsafeRaw: alias).id = s.\(unsafeRaw: column)"
            case .product:
                if walkNames {
                    let hint = engine.dialect.indexHint("products_name_idx")
                    return
                        "products p\(unsafeRaw: hint) \(unsafeRaw: forcedJoin) chat_sessions s ON s.product_id = p.id"
                }
                return sessions + " JOIN products p ON p.id = s.product_id"
            default:
                return sessions
            }
        }

        /// The full rows for the page's ids, in the same order.
        func rows(ids: [Int64]) -> SQLQueryString {
            """
            SELECT s.id, s.product_id, s.customer_id, s.vendor_id, s.last_message_at, s.messages_count,
                s.unread_count, s.created_at, s.updated_at,
                p.name AS product_name, c.name AS customer_name, v.name AS vendor_name
            FROM chat_sessions s
            JOIN products p ON p.id = s.product_id
            JOIN users c ON c.id = s.customer_id
            JOIN users v ON v.id = s.vendor_id
            WHERE s.id IN (\(binds: ids))
            ORDER BY \(unsafeRaw: orderBy)
            """
        }

        var countLimit: Int {
            if case .dense = search { return ChatSessionListing.searchCountLimit }
            return ChatSessionListing.countLimit
        }

        /// How many sessions match, up to one more than the limit.
        func count() -> SQLQueryString {
            "SELECT COUNT(*) AS n FROM (SELECT 1 FROM " + sessions + conditions
                + " LIMIT \(bind: countLimit + 1)) matching"
        }

        /// The ORDER BY of a sort, shaped after the index that serves it; ties end on ids so pages
        /// never overlap. Descending is the exact reverse of ascending.
        var orderBy: String {
            let forward = query.direction == .ascending
            let dir = forward ? "ASC" : "DESC"
            // Within one person or product, newest first when the names ascend.
            let inner = forward ? "DESC NULLS LAST" : "ASC NULLS FIRST"
            let innerID = forward ? "DESC" : "ASC"
            switch query.sort {
            case .lastMessageAt:
                // chat_sessions_last_message_idx, in either direction: sessions without messages
                // come last when the newest come first.
                return "s.last_message_at \(dir) \(forward ? "NULLS FIRST" : "NULLS LAST"), s.id \(dir)"
            case .messagesCount: return "s.messages_count \(dir), s.id \(dir)"
            case .createdAt: return "s.created_at \(dir), s.id \(dir)"
            case .updatedAt: return "s.updated_at \(dir), s.id \(dir)"
            case .customer: return "c.name \(dir), c.id \(dir), s.last_message_at \(inner), s.id \(innerID)"
            case .vendor: return "v.name \(dir), v.id \(dir), s.last_message_at \(inner), s.id \(innerID)"
            case .product: return "p.name \(dir), p.id \(dir), s.customer_id \(dir), s.vendor_id \(dir)"
            }
        }

        /// Session ids of the given products and users, through the foreign-key indexes.
        static func union(productIDs: [Int64], userIDs: [Int64], dialect: SQLDialect) -> SQLQueryString {
            var conditions: [SQLQueryString] = []
            if !productIDs.isEmpty { conditions.append(dialect.isOneOf("product_id", productIDs)) }
            if !userIDs.isEmpty {
                conditions.append(dialect.isOneOf("customer_id", userIDs))
                conditions.append(dialect.isOneOf("vendor_id", userIDs))
            }
            return dialect.ids(from: "chat_sessions", meetingAnyOf: conditions)
        }
    }
}
