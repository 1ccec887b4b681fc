import Foundation
import SQLKit

/// One choice offered by a searchable dropdown.
public struct LookupItem: Sendable, Equatable, Codable {
    public var id: Int64
    public var label: String
    /// A second line: an email, or a product's vendor.
    public var detail: String
    /// For products, the vendor who owns it, so a form can propose them.
    public var vendorID: Int64?
    public var vendorName: String?
}

/// Name searches behind the admin panel's dropdowns. They stay usable at 100,000 users because
/// they return a handful of rows: prefix matches come first (index users_name_idx,
/// products_name_idx), then substring matches.
public struct Lookup: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func users(matching term: String, role: UserRole? = nil, limit: Int = 20) async throws -> [LookupItem] {
        try await database.read { db in
            try await Self.search(
                db, table: "users",
                columns: "t.id, t.name, t.email AS detail, NULL AS vendor_id, NULL AS vendor_name",
                join: "", roleFilter: role, term: term, limit: limit)
        }
    }

    public func products(matching term: String, limit: Int = 20) async throws -> [LookupItem] {
        try await database.read { db in
            try await Self.search(
                db, table: "products",
                columns: "t.id, t.name, v.name AS detail, t.vendor_id AS vendor_id, v.name AS vendor_name",
                join: " JOIN users v ON v.id = t.vendor_id", roleFilter: nil, term: term, limit: limit)
        }
    }

    /// The user a typed name points at: one whose whole name matches (ignoring case and accents),
    /// or else the only one whose name contains it.
    public func user(named name: String, role: UserRole?) async throws -> NameMatch {
        let role: SQLQueryString = role.map { " AND role = \(bind: $0.rawValue)" } ?? ""
        return try await match(name, table: "users", extra: role)
    }

    /// The product a typed name points at, by the same rule as ``user(named:role:)``.
    public func product(named name: String) async throws -> NameMatch {
        try await match(name, table: "products", extra: "")
    }

    private func match(_ name: String, table: String, extra: SQLQueryString) async throws -> NameMatch {
        let key = SearchKey.fold(name.trimmingCharacters(in: .whitespacesAndNewlines))
        guard !key.isEmpty else { return .none }
        return try await database.read { db in
            let select: SQLQueryString = "SELECT id, name FROM \(unsafeRaw: table) WHERE "
            let whole = try await db.raw(select + "name_key = \(bind: key)" + extra + " LIMIT 2").all()
            let rows =
                whole.isEmpty
                ? try await db.raw(
                    select + "name_key LIKE \(bind: SearchKey.containsPattern(key)) ESCAPE '\\'" + extra + " LIMIT 2"
                ).all() : whole
            switch rows.count {
            case 0: return .none
            case 1: return .one(id: try rows[0].int64("id"), name: try rows[0].string("name"))
            default: return .many
            }
        }
    }

    private static func search(
        _ db: any SQLDatabase, table: String, columns: String, join: String,
        roleFilter: UserRole?, term: String, limit: Int
    ) async throws -> [LookupItem] {
        let trimmed = term.trimmingCharacters(in: .whitespacesAndNewlines)
        let role: SQLQueryString = roleFilter.map { " AND t.role = \(bind: $0.rawValue)" } ?? ""
        let limit = max(1, min(limit, 50))
        var items: [LookupItem] = []
        var seen = Set<Int64>()
        // Prefix matches first, then anywhere in the name.
        for pattern in [SearchKey.prefixPattern(trimmed), SearchKey.containsPattern(trimmed)] {
            guard items.count < limit else { break }
            let select: SQLQueryString =
                "SELECT \(unsafeRaw: columns) FROM \(unsafeRaw: table) t\(unsafeRaw: join) WHERE t.name_key LIKE "
            let rows = try await db.raw(
                select + "\(bind: pattern) ESCAPE '\\'" + role + " ORDER BY t.name, t.id LIMIT \(bind: limit)"
            ).all()
            for row in rows {
                let id = try row.int64("id")
                guard !seen.contains(id), items.count < limit else { continue }
                seen.insert(id)
                items.append(
                    LookupItem(
                        id: id, label: try row.string("name"), detail: try row.string("detail"),
                        vendorID: try row.decode(column: "vendor_id", as: Int64?.self),
                        vendorName: try row.decode(column: "vendor_name", as: String?.self)))
            }
            if trimmed.isEmpty { break }
        }
        return items
    }
}
