import Foundation
import ParleyTestSupport
import SQLKit
import Testing

@testable import ParleyCore

/// ``SQLDialect/rows(_:as:)`` gives a statement its rows column by column: PostgreSQL as arrays,
/// SQLite as a VALUES list. Either way a query reads back what was given, in order.
@Suite("Rows given column by column")
struct SQLDialectRowsTests {
    @Test func rowsReadBackInOrderWithNullsEmptyTextAndAnyScript() async throws {
        try await ChatTestContext.run { context in
            let dialect = context.database.engine.dialect
            let ids: [Int64] = [3, .max, -1, 0]
            let names = ["Zoë 😀", "", "a,b\"{}", "NULL"]
            let notes: [String?] = [nil, "x", nil, "\u{301}ö"]
            let rows = dialect.rows(
                [.int64("id", ids), .text("name", names), .optionalText("note", notes)], as: "r")
            let read = try await context.database.read { db in
                try await db.raw("SELECT r.ord, r.id, r.name, r.note FROM " + rows + " ORDER BY r.ord").all()
            }
            #expect(try read.map { try $0.int64("ord") } == [1, 2, 3, 4])
            #expect(try read.map { try $0.int64("id") } == ids)
            #expect(try read.map { try $0.string("name") } == names)
            #expect(try read.map { try $0.decode(column: "note", as: String?.self) } == notes)
        }
    }

    @Test func oneRowWithoutNullsReadsBack() async throws {
        try await ChatTestContext.run { context in
            let rows = context.database.engine.dialect.rows(
                [.int64("id", [42]), .optionalText("note", ["only"])], as: "r")
            let read = try await context.database.read { db in
                try await db.raw("SELECT r.id, r.note FROM " + rows).all()
            }
            #expect(read.count == 1)
            #expect(try read.first?.int64("id") == 42)
            #expect(try read.first?.decode(column: "note", as: String?.self) == "only")
        }
    }
}
