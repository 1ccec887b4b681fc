import SQLKit

/// Every piece of SQL that SQLite and PostgreSQL write differently, so that queries and
/// migrations name what they need (lock these rows, the smaller of two values) instead of
/// testing the engine themselves.
public struct SQLDialect: Sendable {
    public let engine: DatabaseEngine

    /// Appended to a SELECT inside a write transaction: on PostgreSQL it locks the rows until the
    /// transaction ends, so concurrent changes to one conversation apply one after the other.
    /// SQLite has a single writer and needs nothing.
    var lockingSelectedRows: String {
        switch engine {
        case .sqlite: ""
        case .postgres: " FOR UPDATE"
        }
    }

    /// Appended to a SELECT that claims work in a write transaction: on PostgreSQL it locks the
    /// chosen rows of `alias` and passes over rows another transaction holds, so instances claim
    /// different rows without waiting for each other. SQLite's single writer makes claims one at a time.
    func claiming(_ alias: String) -> String {
        switch engine {
        case .sqlite: ""
        case .postgres: " FOR UPDATE OF \(alias) SKIP LOCKED"
        }
    }

    /// A select-list item `reserved` that takes `count` ids for new rows of `table` (whose key is
    /// `id`) before they are inserted, so a write can name them in statements sent together.
    /// PostgreSQL draws them from the table's sequence (read by ``reservedIDs(in:count:)``); on
    /// SQLite, whose single writer holds the database until the transaction ends, they are the ids
    /// after the largest one, which SQLite itself would give next.
    func reservingIDs(of table: String, count: Int) -> SQLQueryString {
        switch engine {
        case .sqlite: "(SELECT COALESCE(MAX(id), 0) FROM \(unsafeRaw: table)) AS reserved"
        case .postgres:
            """
            array_to_string(ARRAY(SELECT nextval(pg_get_serial_sequence('\(unsafeRaw: table)', 'id'))
                FROM generate_series(1, \(bind: count))), ',') AS reserved
            """
        }
    }

    /// The ids ``reservingIDs(of:count:)`` took, in the order to use them.
    func reservedIDs(in row: any SQLRow, count: Int) throws -> [Int64] {
        switch engine {
        case .sqlite:
            let largest = try row.decode(column: "reserved", as: Int64.self)
            return (0..<Int64(count)).map { largest + 1 + $0 }
        case .postgres:
            let ids = try row.decode(column: "reserved", as: String.self).split(separator: ",").compactMap { Int64($0) }
            guard ids.count == count else {
                throw DatabaseUnavailable(description: "reserved \(ids.count) of \(count) ids")
            }
            return ids
        }
    }

    /// The function that returns the smaller of its arguments.
    var least: String {
        switch engine {
        case .sqlite: "MIN"
        case .postgres: "LEAST"
        }
    }

    /// A join that keeps the written order. SQLite takes `CROSS JOIN` as that order; PostgreSQL's
    /// planner finds the same nested loop by itself.
    var orderedJoin: String {
        switch engine {
        case .sqlite: "CROSS JOIN"
        case .postgres: "JOIN"
        }
    }

    /// Tells SQLite which index to walk a table by (written after the table's alias); PostgreSQL
    /// has no hints and plans well without.
    func indexHint(_ index: String) -> String {
        switch engine {
        case .sqlite: " INDEXED BY \(index)"
        case .postgres: ""
        }
    }

    /// The integers `start..<end` as a FROM item: a table `seq` with one column `n`.
    func numberSeries(from start: Int, to end: Int) -> String {
        guard end > start else { return "(SELECT 0 AS n WHERE 1 = 0) seq" }
        switch engine {
        case .sqlite:
            return """
                (WITH RECURSIVE seq(n) AS (SELECT \(start) UNION ALL SELECT n + 1 FROM seq WHERE n < \(end - 1))
                 SELECT n FROM seq) seq
                """
        case .postgres:
            return "generate_series(CAST(\(start) AS BIGINT), CAST(\(end - 1) AS BIGINT)) AS seq(n)"
        }
    }

    /// `column` equals one of `ids`. SQLite takes the ids as parameters of their own; PostgreSQL as
    /// one array parameter, which it checks through a hash table however many ids there are.
    func isOneOf(_ column: String, _ ids: [Int64]) -> SQLQueryString {
        switch engine {
        case .sqlite: "\(unsafeRaw: column) IN (\(binds: ids))"
        case .postgres: "\(unsafeRaw: column) = ANY(\(bind: ids))"
        }
    }

    /// `column` equals one of `ids`, for a statement run many times with a few ids each (a batch's):
    /// PostgreSQL reads the array through a sub-select, so that its plan does not depend on how many
    /// ids a run has and it keeps the named statement's generic plan (see ``rows(_:as:)``). Elsewhere
    /// ``isOneOf(_:_:)`` lets it plan for the list it is given.
    func isOneOfBatch(_ column: String, _ ids: [Int64]) -> SQLQueryString {
        switch engine {
        case .sqlite: isOneOf(column, ids)
        case .postgres:
            "\(unsafeRaw: column) = ANY(CAST(" + lengthHidden("\(bind: ids)", as: "BIGINT[]") + " AS BIGINT[]))"
        }
    }

    /// PostgreSQL: an array parameter read through a sub-select, whose length the planner cannot see.
    private func lengthHidden(_ array: SQLQueryString, as type: String) -> SQLQueryString {
        "(SELECT CAST(" + array + " AS \(unsafeRaw: type)))"
    }

    /// Rows given column by column, as a FROM item named `alias` with the columns' names and `ord`,
    /// the row's place (1, 2, …). SQLite reads a VALUES list. Every column holds the same number of
    /// values, at least one.
    ///
    /// PostgreSQL takes one array parameter per column, so the statement's text is the same however
    /// many rows there are. Each array is read through a sub-select, which hides its length from the
    /// planner: a plan made for one batch is then as good as one made for any other, so PostgreSQL
    /// keeps the named statement's generic plan. Seeing a batch of one or two rows, it would rather
    /// plan again at every run: over a second of planning in every 15 s of 1,000 sends a second.
    func rows(_ columns: [BatchColumn], as alias: String) -> SQLQueryString {
        switch engine {
        case .postgres:
            let arrays = columns.map { column -> SQLQueryString in
                switch column {
                case .int64(_, let values): lengthHidden("\(bind: values)", as: "BIGINT[]")
                case .optionalInt64(_, let values):
                    lengthHidden("\(bind: PostgresOptionalArray(values))", as: "BIGINT[]")
                case .text(_, let values): lengthHidden("\(bind: values)", as: "TEXT[]")
                case .optionalText(_, let values): lengthHidden("\(bind: PostgresOptionalArray(values))", as: "TEXT[]")
                }
            }
            let names = (columns.map(\.name) + ["ord"]).joined(separator: ", ")
            return "unnest(" + arrays.joined(separator: ", ")
                + ") WITH ORDINALITY AS \(unsafeRaw: alias)(\(unsafeRaw: names))"
        case .sqlite:
            let count = columns.first?.count ?? 0
            let tuples = (0..<count).map { row -> SQLQueryString in
                "(\(unsafeRaw: String(row + 1)), " + columns.map { $0.bind(at: row) }.joined(separator: ", ") + ")"
            }
            let names = (["ord"] + columns.map(\.name)).enumerated()
                .map { "column\($0.offset + 1) AS \($0.element)" }.joined(separator: ", ")
            return "(SELECT \(unsafeRaw: names) FROM (VALUES " + tuples.joined(separator: ", ")
                + ")) AS \(unsafeRaw: alias)"
        }
    }

    /// The most ids worth passing to ``isOneOf(_:_:)``: SQLite holds each as a parameter and scans
    /// the list it builds, PostgreSQL hashes one array.
    var idListLimit: Int {
        switch engine {
        case .sqlite: 1_000
        case .postgres: 20_000
        }
    }

    /// A query for the ids of the rows of `table` meeting any of `conditions`, each of which an
    /// index answers. SQLite unites what each index finds; PostgreSQL combines the indexes itself
    /// (a bitmap OR), which costs it far less than a union. Either way the ids are collected before
    /// anything joined to them is ordered: `OFFSET 0` keeps PostgreSQL from merging the query into
    /// its caller's, where it would rather walk an ordered index testing every row.
    func ids(from table: String, meetingAnyOf conditions: [SQLQueryString]) -> SQLQueryString {
        switch engine {
        case .sqlite:
            conditions.map { "SELECT id FROM \(unsafeRaw: table) WHERE " + $0 }.joined(separator: " UNION ")
        case .postgres:
            "SELECT id FROM \(unsafeRaw: table) WHERE " + conditions.joined(separator: " OR ") + " OFFSET 0"
        }
    }

    /// A join that repeats each row of `outer` once for each `k` in `0..<count` (an expression over
    /// the outer row), in the outer rows' order. PostgreSQL generates exactly those rows per outer
    /// row; SQLite filters a shared sequence up to `maximum`, which its planner walks as the inner loop.
    func repeating(count: String, maximum: Int) -> String {
        switch engine {
        case .sqlite: "JOIN (SELECT n AS k FROM \(numberSeries(from: 0, to: maximum))) ks ON ks.k < \(count)"
        case .postgres: "CROSS JOIN LATERAL generate_series(CAST(0 AS BIGINT), \(count) - 1) AS ks(k)"
        }
    }

    /// Moves a table's id generator past the ids written explicitly (nil where there is nothing
    /// to move: SQLite continues after the largest id by itself).
    func resetIdentity(of table: String) -> String? {
        switch engine {
        case .sqlite: nil
        case .postgres:
            "SELECT setval(pg_get_serial_sequence('\(table)', 'id'), COALESCE((SELECT MAX(id) FROM \(table)), 1))"
        }
    }

    /// Makes the caller's transaction the only one running migrations until it ends (SQLite's
    /// `BEGIN IMMEDIATE` already does).
    var migrationLock: String? {
        switch engine {
        case .sqlite: nil
        case .postgres: "SELECT pg_advisory_xact_lock(7274539)"
        }
    }

    /// Makes the caller's transaction the only one writing webhook deliveries until it ends, so
    /// deliveries take their ids in the order their transactions commit: a delivery can then only
    /// be claimed or leased once every earlier one of its endpoint and session is visible to the
    /// check. SQLite's single writer already does this.
    var webhookOutboxLock: String? {
        switch engine {
        case .sqlite: nil
        case .postgres: "SELECT pg_advisory_xact_lock(7274540)"
        }
    }

    // MARK: Schema

    /// A 64-bit identifier the database assigns.
    var identityPrimaryKey: String {
        switch engine {
        case .sqlite: "id INTEGER PRIMARY KEY"
        case .postgres: "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
        }
    }

    /// A descending index key with NULLs after every value: SQLite puts them there by itself,
    /// PostgreSQL has to be told.
    func descendingNullsLast(_ column: String) -> String {
        switch engine {
        case .sqlite: "\(column) DESC"
        case .postgres: "\(column) DESC NULLS LAST"
        }
    }
}
