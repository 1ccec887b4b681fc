import SQLKit

/// One column of the rows a statement writes or matches in one go (``SQLDialect/rows(_:as:)``):
/// its name in the FROM item and its values, one per row.
enum BatchColumn: Sendable {
    case int64(String, [Int64])
    case optionalInt64(String, [Int64?])
    case text(String, [String])
    case optionalText(String, [String?])

    var name: String {
        switch self {
        case .int64(let name, _), .optionalInt64(let name, _), .text(let name, _), .optionalText(let name, _): name
        }
    }

    var count: Int {
        switch self {
        case .int64(_, let values): values.count
        case .optionalInt64(_, let values): values.count
        case .text(_, let values): values.count
        case .optionalText(_, let values): values.count
        }
    }

    /// The value of one row, as a parameter of its own.
    func bind(at row: Int) -> SQLQueryString {
        switch self {
        case .int64(_, let values): "\(bind: values[row])"
        case .optionalInt64(_, let values): "\(bind: values[row])"
        case .text(_, let values): "\(bind: values[row])"
        case .optionalText(_, let values): "\(bind: values[row])"
        }
    }
}
