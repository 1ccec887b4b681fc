import Foundation

/// One value of an exported row.
enum SpreadsheetCell: Sendable, Equatable {
    case text(String)
    case integer(Int64)
    /// A moment in UTC; empty when nil.
    case date(Date?)
}

/// Guards exported text against spreadsheet formula injection.
enum SpreadsheetSafety {
    /// Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a leading tab or
    /// carriage return) gets an apostrophe in front, so a product named `=HYPERLINK(…)` stays text.
    static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return text }
        switch first {
        case "=", "+", "-", "@", "\t", "\r": return "'" + text
        default: return text
        }
    }
}
