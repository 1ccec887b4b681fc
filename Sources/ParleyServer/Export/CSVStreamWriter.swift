import Foundation

/// Writes RFC 4180 CSV row by row: CRLF line ends, quotes where needed, a UTF-8 byte order mark
/// so Excel reads accents right.
struct CSVStreamWriter: Sendable {
    let columns: [String]

    func header() -> [UInt8] {
        [0xEF, 0xBB, 0xBF] + line(columns.map(SpreadsheetCell.text))
    }

    func row(_ cells: [SpreadsheetCell]) -> [UInt8] {
        line(cells)
    }

    private func line(_ cells: [SpreadsheetCell]) -> [UInt8] {
        let fields = cells.map { cell -> String in
            switch cell {
            case .text(let text): Self.quoted(SpreadsheetSafety.neutralised(text))
            case .integer(let value): String(value)
            case .date(let date): Formatting.export(date)
            }
        }
        return Array((fields.joined(separator: ",") + "\r\n").utf8)
    }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
