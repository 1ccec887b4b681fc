import PostgresKit
import SQLKit

/// A PostgreSQL row read by column name, decoding the types Parley's rows are made of (integers,
/// text, booleans and their optionals) straight from their cells.
///
/// PostgresKit's row decodes every value through its Codable translation, which allocates a
/// coding path per value and looks the type up at run time; that was about 7 % of the server's
/// CPU in the send benchmark. Any other type still goes through PostgresKit's row, so the result
/// is the same either way.
struct PostgresFastRow: SQLRow {
    private let row: PostgresRow
    private let cells: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        self.row = row
        self.cells = row.makeRandomAccess()
    }

    struct MissingColumn: Error, CustomStringConvertible {
        let column: String
        var description: String { "the row has no column \(column)" }
    }

    var allColumns: [String] { cells.map(\.columnName) }

    func contains(column: String) -> Bool { cells.contains(column) }

    func decodeNil(column: String) throws -> Bool {
        !cells.contains(column) || cells[column].bytes == nil
    }

    func decode<T: Decodable>(column: String, as type: T.Type) throws -> T {
        guard cells.contains(column) else { throw MissingColumn(column: column) }
        let cell = cells[column]
        switch type {
        case is Int64.Type: return try cell.decode(Int64.self) as! T
        case is Int64?.Type: return try cell.decode(Int64?.self) as! T
        case is Int.Type: return try cell.decode(Int.self) as! T
        case is Bool.Type: return try cell.decode(Bool.self) as! T
        case is String.Type where !cell.dataType.isUserDefined: return try cell.decode(String.self) as! T
        case is String?.Type where !cell.dataType.isUserDefined: return try cell.decode(String?.self) as! T
        default: return try row.sql().decode(column: column, as: type)
        }
    }
}
