import Logging
import NIOCore
import PostgresKit
import SQLKit

/// Streams one table from an SQLite connection into a PostgreSQL connection with COPY.
///
/// The source is read in pages in rowid order; the next page is read and encoded while the one
/// before it is being sent, so reading SQLite and writing PostgreSQL overlap.
struct TableCopy: Sendable {
    /// Rows read from the source at a time and sent to the target in one piece.
    static let pageSize = 5_000

    let table: CopiedTable
    let logger: Logger

    /// Copies every row and returns how many; `progress` hears the running count after each page.
    func run(
        from source: any SQLDatabase, to target: PostgresConnection, progress: (Int) -> Void
    ) async throws -> Int {
        let table = self.table
        var copied = 0
        try await target.copyFrom(table: table.name, columns: table.columns.map(\.name), logger: logger) { writer in
            var page = try await Self.page(of: table, from: source, after: Int64.min)
            while page.rows > 0 {
                let after = page.lastRowID
                async let next = Self.page(of: table, from: source, after: after)
                try await writer.write(page.data)
                copied += page.rows
                progress(copied)
                page = try await next
            }
        }
        return copied
    }

    /// Rows of the source after `rowID`, in COPY's text format.
    struct Page: Sendable {
        var data: ByteBuffer
        var rows: Int
        var lastRowID: Int64
    }

    static func page(of table: CopiedTable, from source: any SQLDatabase, after rowID: Int64) async throws -> Page {
        let names = table.columns.map(\.name)
        let rows = try await source.raw(
            """
            SELECT rowid AS parley_copy_rowid, \(idents: names, joinedBy: ", ") FROM \(ident: table.name)
            WHERE rowid > \(bind: rowID) ORDER BY rowid LIMIT \(bind: pageSize)
            """
        ).all()
        var data = ByteBufferAllocator().buffer(capacity: rows.count * 64 * max(1, names.count))
        var lastRowID = rowID
        for row in rows {
            lastRowID = try row.int64("parley_copy_rowid")
            for (index, column) in table.columns.enumerated() {
                if index > 0 { data.writeStaticString("\t") }
                // SQLite hands NULL to ColumnValue like any other value, so no decodeNil first.
                let stored = try row.decode(column: column.name, as: ColumnValue.self)
                guard let value = stored.converted(to: column.kind) else {
                    throw DataMigrationError.valueNotConvertible(table: table.name, column: column.name, value: stored)
                }
                value.writeCopyText(into: &data)
            }
            data.writeStaticString("\n")
        }
        return Page(data: data, rows: rows.count, lastRowID: lastRowID)
    }
}
