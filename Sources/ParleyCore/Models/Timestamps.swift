import Foundation
import SQLKit

// Times are stored as milliseconds since 1970 (UTC) in BIGINT columns: one representation that sorts,
// compares and indexes the same way on SQLite and PostgreSQL.
extension Date {
    public var epochMilliseconds: Int64 {
        Int64((timeIntervalSince1970 * 1000).rounded(.down))
    }

    public init(epochMilliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(epochMilliseconds) / 1000)
    }

    /// This instant cut to the millisecond, as it comes back from the database.
    public var storedPrecision: Date {
        Date(epochMilliseconds: epochMilliseconds)
    }
}

extension SQLRow {
    func int64(_ column: String) throws -> Int64 {
        try decode(column: column, as: Int64.self)
    }

    func string(_ column: String) throws -> String {
        try decode(column: column, as: String.self)
    }

    func date(_ column: String) throws -> Date {
        Date(epochMilliseconds: try decode(column: column, as: Int64.self))
    }

    func optionalDate(_ column: String) throws -> Date? {
        try decode(column: column, as: Int64?.self).map(Date.init(epochMilliseconds:))
    }
}
