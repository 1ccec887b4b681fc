/// What `DataMigration` copied and what it found when checking the result.
public struct DataMigrationReport: Sendable {
    /// One table's rows in the source (as copied) and in the target afterwards.
    public struct TableResult: Sendable, Equatable {
        public var table: String
        public var sourceRows: Int
        public var targetRows: Int
        /// Time spent copying the table, in seconds.
        public var seconds: Double
    }

    public var tables: [TableResult]
    /// Sessions of the target whose counters disagree with their messages (at most 100).
    public var drift: [CounterDrift]
    /// The whole run, from checking the source to the end of the audit, in seconds.
    public var seconds: Double

    /// Tables whose row counts differ between the source and the target.
    public var mismatches: [TableResult] { tables.filter { $0.sourceRows != $0.targetRows } }

    /// True when every count matches and the counters audit clean.
    public var isVerified: Bool { mismatches.isEmpty && drift.isEmpty }

    public var copiedRows: Int { tables.reduce(0) { $0 + $1.sourceRows } }

    /// Rows copied per second of copying (not counting the checks before and after).
    public var rowsPerSecond: Double {
        let copying = tables.reduce(0) { $0 + $1.seconds }
        return copying > 0 ? Double(copiedRows) / copying : 0
    }
}
