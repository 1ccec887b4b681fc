import Foundation
import NIOCore
import PostgresKit
import SQLiteKit

/// One stored value read without knowing the column's type beforehand, from either engine.
///
/// Decodes from SQLite's storage classes and from PostgreSQL's wire types, so rows of any table
/// can be read, compared and copied from the schema alone.
public enum ColumnValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case boolean(Bool)
    case bytes([UInt8])

    public var description: String {
        switch self {
        case .null: "NULL"
        case .integer(let value): "\(value)"
        case .real(let value): "\(value)"
        case .text(let value): "'\(value)'"
        case .boolean(let value): "\(value)"
        case .bytes(let value): "\(value.count) bytes"
        }
    }

    /// A value of either engine read from `row`; NULL is checked first because PostgreSQL's
    /// decoders refuse a missing value.
    static func read(_ column: String, from row: any SQLRow) throws -> ColumnValue {
        try row.decodeNil(column: column) ? .null : row.decode(column: column, as: ColumnValue.self)
    }

    /// The same value in the form a column of `kind` stores, or nil when it has none
    /// (text in an integer column, say).
    func converted(to kind: TableColumn.Kind) -> ColumnValue? {
        switch (kind, self) {
        case (_, .null): return .null
        case (.integer, .integer), (.real, .real), (.text, .text), (.boolean, .boolean), (.bytes, .bytes):
            return self
        case (.integer, .boolean(let value)): return .integer(value ? 1 : 0)
        case (.integer, .real(let value)): return Int64(exactly: value).map(ColumnValue.integer)
        case (.integer, .text(let value)): return Int64(value).map(ColumnValue.integer)
        case (.real, .integer(let value)): return .real(Double(value))
        case (.real, .text(let value)): return Double(value).map(ColumnValue.real)
        case (.boolean, .integer(let value)) where value == 0 || value == 1: return .boolean(value == 1)
        case (.boolean, .text(let value)):
            switch value.lowercased() {
            case "t", "true", "1": return .boolean(true)
            case "f", "false", "0": return .boolean(false)
            default: return nil
            }
        case (.bytes, .text(let value)): return .bytes(Array(value.utf8))
        case (.text, .bytes(let value)), (.other, .bytes(let value)):
            return String(bytes: value, encoding: .utf8).map(ColumnValue.text)
        case (.text, .integer(let value)), (.other, .integer(let value)): return .text(String(value))
        case (.text, .real(let value)), (.other, .real(let value)): return .text(String(value))
        case (.other, .text), (.other, .boolean): return self
        default: return nil
        }
    }
}

extension ColumnValue: SQLiteDataConvertible {
    public init?(sqliteData: SQLiteData) {
        switch sqliteData {
        case .null: self = .null
        case .integer(let value): self = .integer(Int64(value))
        case .float(let value): self = .real(value)
        case .text(let value): self = .text(value)
        case .blob(let buffer): self = .bytes(Array(buffer.readableBytesView))
        }
    }

    public var sqliteData: SQLiteData? {
        switch self {
        case .null: .null
        case .integer(let value): .integer(SQLiteInt64(value))
        case .real(let value): .float(value)
        case .text(let value): .text(value)
        case .boolean(let value): .integer(value ? 1 : 0)
        case .bytes(let value): .blob(ByteBuffer(bytes: value))
        }
    }
}

extension ColumnValue: PostgresDecodable {
    public init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat,
        context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        switch type {
        case .int2, .int4, .int8:
            self = .integer(try Int64(from: &buffer, type: type, format: format, context: context))
        case .float4, .float8:
            self = .real(try Double(from: &buffer, type: type, format: format, context: context))
        case .bool:
            self = .boolean(try Bool(from: &buffer, type: type, format: format, context: context))
        case .bytea where format == .binary:
            self = .bytes(buffer.readBytes(length: buffer.readableBytes) ?? [])
        default:
            self = .text(try String(from: &buffer, type: type, format: format, context: context))
        }
    }
}

extension ColumnValue: Decodable {
    /// Only for decoders without a direct path above; tries the plain types in turn.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .real(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .boolean(value)
        } else {
            self = .text(try container.decode(String.self))
        }
    }
}
