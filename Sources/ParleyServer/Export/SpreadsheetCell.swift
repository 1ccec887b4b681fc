import Foundation

/// One value of an exported row.
enum SpreadsheetCell: Sendable, Equatable {
    case text(String)
    case integer(Int64)
    /// A moment in UTC; empty when nil.
    case date(Date?)
}

/// A column of an export: its header, and its width in a workbook in characters.
struct SpreadsheetColumn: Sendable, Equatable {
    let title: String
    let width: Int

    init(_ title: String, width: Int) {
        self.title = title
        self.width = width
    }
}

/// Guards exported text against spreadsheet formula injection.
enum SpreadsheetSafety {
    /// Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a leading tab or
    /// carriage return) gets an apostrophe in front, so a product named `=HYPERLINK(…)` stays text.
    /// For CSV, which has no types; a workbook's inline strings are never formulas and need none.
    static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return text }
        switch first {
        case "=", "+", "-", "@", "\t", "\r": return "'" + text
        default: return text
        }
    }
}
