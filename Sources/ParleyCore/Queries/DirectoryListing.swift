import Foundation
import SQLKit

/// Pages of users and products for the admin panel's Users and Products lists, newest first,
/// optionally narrowed by a name (or email) search.
public struct DirectoryListing: Sendable {
    public struct Page<Row: Sendable>: Sendable {
        public var rows: [Row]
        public var hasMore: Bool
    }

    public struct ProductRow: Sendable, Equatable {
        public var product: Product
        public var vendorName: String
    }

    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func users(search: String, page: Int, perPage: Int) async throws -> Page<User> {
        try await database.read { db in
            let condition = Self.condition(search, columns: ["name_key", "lower(email)"])
            let rows = try await db.raw(
                "SELECT \(unsafeRaw: User.columns) FROM users" + condition
                    + " ORDER BY id DESC LIMIT \(bind: perPage + 1) OFFSET \(bind: (page - 1) * perPage)"
            ).all().map(User.init(row:))
            return Page(rows: Array(rows.prefix(perPage)), hasMore: rows.count > perPage)
        }
    }

    public func products(search: String, page: Int, perPage: Int) async throws -> Page<ProductRow> {
        try await database.read { db in
            let condition = Self.condition(search, columns: ["p.name_key"])
            let rows = try await db.raw(
                """
                SELECT p.id, p.name, p.vendor_id, p.created_at, p.updated_at, v.name AS vendor_name
                FROM products p JOIN users v ON v.id = p.vendor_id
                """ + condition
                    + " ORDER BY p.id DESC LIMIT \(bind: perPage + 1) OFFSET \(bind: (page - 1) * perPage)"
            ).all().map { ProductRow(product: try Product(row: $0), vendorName: try $0.string("vendor_name")) }
            return Page(rows: Array(rows.prefix(perPage)), hasMore: rows.count > perPage)
        }
    }

    /// Folded columns (``SearchKey``) containing the folded term.
    private static func condition(_ search: String, columns: [String]) -> SQLQueryString {
        let term = search.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !term.isEmpty else { return "" }
        let pattern = SearchKey.containsPattern(term)
        let parts: [SQLQueryString] = columns.map {
            "\(unsafeRaw: $0) LIKE \(bind: pattern) ESCAPE '\\'"
        }
        return " WHERE (" + parts.joined(separator: " OR ") + ")"
    }
}
