import Foundation
import SQLKit

/// A column a personal data export reads, and how its stored value reads as JSON.
struct PersonalDataColumn: Sendable {
    enum Kind: Sendable {
        case integer
        case text
        /// Epoch milliseconds, written as ISO 8601 UTC.
        case time
        /// 0 or 1, written as true or false.
        case flag
    }

    let name: String
    let kind: Kind

    init(_ name: String, _ kind: Kind) {
        self.name = name
        self.kind = kind
    }

    func value(in row: any SQLRow) throws -> PersonalDataValue {
        switch kind {
        case .integer:
            return try row.decode(column: name, as: Int64?.self).map(PersonalDataValue.integer) ?? .null
        case .text:
            return try row.decode(column: name, as: String?.self).map(PersonalDataValue.text) ?? .null
        case .flag:
            return try row.decode(column: name, as: Int64?.self).map { .bool($0 != 0) } ?? .null
        case .time:
            guard let stamp = try row.decode(column: name, as: Int64?.self) else { return .null }
            return .text(Date(epochMilliseconds: stamp).formatted(.iso8601))
        }
    }

    static func object(_ row: any SQLRow, _ columns: [PersonalDataColumn]) throws -> PersonalDataValue {
        var fields: [String: PersonalDataValue] = [:]
        for column in columns { fields[column.name] = try column.value(in: row) }
        return .object(fields)
    }
}
