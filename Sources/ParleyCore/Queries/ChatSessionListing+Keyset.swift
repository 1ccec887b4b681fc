import SQLKit

extension ChatSessionListing {
    /// The list's order as terms, so that a batch can start right after a given row.
    ///
    /// It mirrors ``Plan/orderBy`` term by term (exporting checks that both render the same). NULL
    /// counts as lower than every value, which is how the list orders `last_message_at` both ways.
    struct Keyset {
        struct Term {
            /// What is ordered by, in SQL.
            let expression: String
            /// The column of ``Plan/rows(ids:)`` holding its value.
            let column: String
            var isText = false
            var isNullable = false
            let ascending: Bool
        }

        enum Value: Sendable, Equatable {
            case integer(Int64)
            case text(String)
            case null
        }

        let terms: [Term]

        init(sort: ChatSessionListQuery.SortColumn, direction: ChatSessionListQuery.Direction) {
            let forward = direction == .ascending
            func named(_ alias: String, _ nameColumn: String, _ idColumn: String) -> [Term] {
                [
                    Term(expression: "\(alias).name", column: nameColumn, isText: true, ascending: forward),
                    Term(expression: "\(alias).id", column: idColumn, ascending: forward),
                ]
            }
            func lastMessage(ascending: Bool) -> Term {
                Term(expression: "s.last_message_at", column: "last_message_at", isNullable: true, ascending: ascending)
            }
            // Within one person, newest first when the names ascend.
            let newestFirst = [
                lastMessage(ascending: !forward), Term(expression: "s.id", column: "id", ascending: !forward),
            ]
            func plain(_ column: String) -> [Term] {
                [Term(expression: "s.\(column)", column: column, ascending: forward)]
            }
            switch sort {
            case .lastMessageAt: terms = [lastMessage(ascending: forward)] + plain("id")
            case .messagesCount: terms = plain("messages_count") + plain("id")
            case .createdAt: terms = plain("created_at") + plain("id")
            case .updatedAt: terms = plain("updated_at") + plain("id")
            case .customer: terms = named("c", "customer_name", "customer_id") + newestFirst
            case .vendor: terms = named("v", "vendor_name", "vendor_id") + newestFirst
            case .product: terms = named("p", "product_name", "product_id") + plain("customer_id") + plain("vendor_id")
            }
        }

        /// The ORDER BY these terms stand for.
        var orderBy: String {
            terms.map { term in
                let direction = term.ascending ? "ASC" : "DESC"
                guard term.isNullable else { return "\(term.expression) \(direction)" }
                return "\(term.expression) \(direction) \(term.ascending ? "NULLS FIRST" : "NULLS LAST")"
            }.joined(separator: ", ")
        }

        /// The stretches of the order that are walked one after the other. A first term that can be
        /// NULL splits the order in two, so that each stretch reads one range of its index: the
        /// NULLs (first when ascending), and the values.
        var segments: [Segment] {
            guard let first = terms.first, first.isNullable else { return [Segment(condition: nil, terms: terms)] }
            var valued = first
            valued.isNullable = false
            let nulls = Segment(condition: "\(unsafeRaw: first.expression) IS NULL", terms: Array(terms.dropFirst()))
            let values = Segment(
                condition: "\(unsafeRaw: first.expression) IS NOT NULL", terms: [valued] + terms.dropFirst())
            return first.ascending ? [nulls, values] : [values, nulls]
        }

        struct Segment {
            /// What the stretch's rows have in common; nil for every row.
            let condition: SQLQueryString?
            /// The order within the stretch.
            let terms: [Term]

            /// A row's values of the terms.
            func key(_ row: any SQLRow) throws -> [Value] {
                try terms.map { term in
                    if term.isText {
                        return try row.decode(column: term.column, as: String?.self).map(Value.text) ?? .null
                    }
                    return try row.decode(column: term.column, as: Int64?.self).map(Value.integer) ?? .null
                }
            }

            /// Conditions for the rows that come after the row with `key`: equal on the first terms
            /// and beyond on the next, for some number of first terms. A bound on the first term
            /// comes with them, which is what lets the database start its index walk at the row.
            func after(_ key: [Value]) -> [SQLQueryString] {
                var parts: [SQLQueryString] = []
                if let first = terms.first, let bound = first.from(key[0]) { parts.append(bound) }
                var equal: [SQLQueryString] = []
                var any: [SQLQueryString] = []
                for (term, value) in zip(terms, key) {
                    if let beyond = term.beyond(value) {
                        any.append(equal.isEmpty ? beyond : "(" + (equal + [beyond]).joined(separator: " AND ") + ")")
                    }
                    equal.append(term.equal(value))
                }
                parts.append(any.isEmpty ? "1 = 0" : "(" + any.joined(separator: " OR ") + ")")
                return parts
            }
        }
    }
}

extension ChatSessionListing.Keyset.Term {
    typealias Value = ChatSessionListing.Keyset.Value

    private var sql: SQLQueryString { "\(unsafeRaw: expression)" }

    private func bind(_ value: Value) -> SQLQueryString {
        switch value {
        case .integer(let number): "\(bind: number)"
        case .text(let text): "\(bind: text)"
        case .null: "NULL"
        }
    }

    /// This term equals `value`.
    func equal(_ value: Value) -> SQLQueryString {
        value == .null ? sql + " IS NULL" : sql + " = " + bind(value)
    }

    /// This term comes after `value`; nil when nothing does.
    func beyond(_ value: Value) -> SQLQueryString? {
        switch (ascending, value) {
        case (true, .null): sql + " IS NOT NULL"
        case (true, _): sql + " > " + bind(value)
        case (false, .null): nil
        case (false, _):
            isNullable ? "(" + sql + " < " + bind(value) + " OR " + sql + " IS NULL)" : sql + " < " + bind(value)
        }
    }

    /// This term is `value` or after it, as one index range; nil when that is not a range.
    func from(_ value: Value) -> SQLQueryString? {
        guard value != .null, !isNullable else { return nil }
        return sql + (ascending ? " >= " : " <= ") + bind(value)
    }
}
