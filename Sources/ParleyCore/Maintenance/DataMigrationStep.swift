/// What `DataMigration` is doing, reported as it goes.
public enum DataMigrationStep: Sendable, Equatable {
    /// Rows of one table going in.
    case copying(TableCopyProgress)
    /// Every row is in; the indexes and foreign keys set aside for the load are being rebuilt.
    case rebuilding(indexes: Int, foreignKeys: Int)
    /// The copy is committed; the rows are being counted and the counters audited.
    case verifying
}
