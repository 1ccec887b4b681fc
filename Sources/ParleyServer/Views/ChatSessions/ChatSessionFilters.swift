import Foundation
import ParleyCore

/// The list's customer, vendor and product filters as the request left them: the ids picked from
/// the dropdowns, names typed without picking resolved to an id where only one record fits, and a
/// message beside each filter that could not be applied, so the list never looks filtered when
/// it is not.
struct ChatSessionFilters {
    /// Names of the people and product the filters point at, for labels and chips.
    var names = ChatSessionIndexModel.FilterNames()
    /// Per filter ("customer", "vendor", "product"): why it was not applied.
    var errors: [String: String] = [:]
    /// What was typed into a filter that could not be applied, to show it again.
    var typed: [String: String] = [:]
    /// True when a typed name changed the query, which then deserves its own URL.
    var changed = false

    var hasErrors: Bool { !errors.isEmpty }

    private enum Kind {
        case customer, vendor, product

        var field: String {
            switch self {
            case .customer: "customer"
            case .vendor: "vendor"
            case .product: "product"
            }
        }

        var noun: String { field }
    }

    /// Reads the filters of `form` into `query`. The visible text of each dropdown arrives as
    /// `<field>_name`: empty means the filter was cleared, a name that differs from the picked one
    /// means it was typed over.
    static func resolve(
        _ form: FormData, query: inout ChatSessionListQuery, database: Database
    ) async throws -> ChatSessionFilters {
        var filters = ChatSessionFilters()
        let lookup = Lookup(database: database)
        for kind in [Kind.customer, .vendor, .product] {
            let current = try await name(of: kind, in: query, database: database)
            filters.set(kind, name: current)
            guard let typedText = form[kind.field + "_name"] else { continue }
            let typed = typedText.trimmingCharacters(in: .whitespacesAndNewlines)
            if typed.isEmpty {
                if id(of: kind, in: query) != nil {
                    set(kind, id: nil, in: &query)
                    filters.set(kind, name: nil)
                    filters.changed = true
                }
                continue
            }
            if let current, SearchKey.fold(current) == SearchKey.fold(typed) { continue }
            let match =
                switch kind {
                case .customer: try await lookup.user(named: typed, role: .customer)
                case .vendor: try await lookup.user(named: typed, role: .vendor)
                case .product: try await lookup.product(named: typed)
                }
            switch match {
            case .one(let id, let name):
                set(kind, id: id, in: &query)
                filters.set(kind, name: name)
                filters.changed = true
            case .none:
                filters.errors[kind.field] = "No \(kind.noun) is called “\(typed)”. Pick one from the list."
                filters.typed[kind.field] = typed
            case .many:
                filters.errors[kind.field] =
                    "More than one \(kind.noun) matches “\(typed)”. Pick one from the list."
                filters.typed[kind.field] = typed
            }
        }
        if filters.changed { query.page = 1 }
        return filters
    }

    private mutating func set(_ kind: Kind, name: String?) {
        switch kind {
        case .customer: names.customer = name
        case .vendor: names.vendor = name
        case .product: names.product = name
        }
    }

    private static func id(of kind: Kind, in query: ChatSessionListQuery) -> Int64? {
        switch kind {
        case .customer: query.customerID
        case .vendor: query.vendorID
        case .product: query.productID
        }
    }

    private static func set(_ kind: Kind, id: Int64?, in query: inout ChatSessionListQuery) {
        switch kind {
        case .customer: query.customerID = id
        case .vendor: query.vendorID = id
        case .product: query.productID = id
        }
    }

    private static func name(
        of kind: Kind, in query: ChatSessionListQuery, database: Database
    ) async throws
        -> String?
    {
        guard let id = id(of: kind, in: query) else { return nil }
        return try await database.read { db in
            switch kind {
            case .customer, .vendor: try await UserRepository(db).find(id: id)?.name
            case .product: try await ProductRepository(db).find(id: id)?.name
            }
        }
    }
}
