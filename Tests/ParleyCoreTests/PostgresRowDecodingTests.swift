import Foundation
import ParleyTestSupport
import SQLKit
import Testing

@testable import ParleyCore

/// Rows from PostgreSQL come back through ``PostgresFastRow``, which decodes what PostgresKit's row
/// decodes, to the same values.
@Suite("PostgreSQL rows", .enabled(if: TestDatabase.engine == .postgres))
struct PostgresRowDecodingTests {
    @Test func rowsDecodeIntegersTextBooleansAndNullsAsPostgresKitDoes() async throws {
        try await ChatTestContext.run { context in
            let rows = try await context.database.read { db in
                try await db.raw(
                    """
                    SELECT CAST(\(bind: Int64.max) AS BIGINT) AS big, CAST(\(bind: 7) AS INTEGER) AS small,
                        \(bind: "Zoë 😀 <b>") AS text, CAST(\(bind: String?.none) AS TEXT) AS no_text,
                        CAST(\(bind: Int64?.none) AS BIGINT) AS no_big, \(bind: true) AS flag,
                        CAST(2.5 AS DOUBLE PRECISION) AS ratio, CAST(\(bind: ["a", "b"]) AS TEXT[]) AS list
                    """
                ).all()
            }
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(row is PostgresFastRow)
            #expect(try row.decode(column: "big", as: Int64.self) == .max)
            #expect(try row.decode(column: "small", as: Int.self) == 7)
            #expect(try row.decode(column: "small", as: Int64?.self) == 7)
            #expect(try row.decode(column: "text", as: String.self) == "Zoë 😀 <b>")
            #expect(try row.decode(column: "no_text", as: String?.self) == nil)
            #expect(try row.decode(column: "no_big", as: Int64?.self) == nil)
            #expect(try row.decodeNil(column: "no_big"))
            #expect(try row.decode(column: "flag", as: Bool.self))
            // Types it does not decode itself go through PostgresKit's row.
            #expect(try row.decode(column: "ratio", as: Double.self) == 2.5)
            #expect(try row.decode(column: "list", as: [String].self) == ["a", "b"])
            #expect(throws: (any Error).self) { try row.decode(column: "missing", as: Int64.self) }
            #expect(throws: (any Error).self) { try row.decode(column: "no_big", as: Int64.self) }
        }
    }
}
