/// Why `parley migrate-data` would not copy, or stopped copying. The target keeps nothing of a
/// copy that failed: it runs in one transaction.
public enum DataMigrationError: Error, Equatable, CustomStringConvertible {
    /// The copy goes from an SQLite file to PostgreSQL and not the other way.
    case unsupportedEngines(source: DatabaseEngine, target: DatabaseEngine)
    /// The source has no record of migrations: it is not a Parley database.
    case sourceNotMigrated
    /// The source's schema is not the one this build knows: `missing` are migrations it lacks,
    /// `unknown` ones this build does not have.
    case sourceSchemaDiffers(missing: [String], unknown: [String])
    /// The target holds tables this build does not know how to copy.
    case tablesNotCovered([String])
    /// A table's columns differ between the two databases.
    case columnsDiffer(table: String, onlyInSource: [String], onlyInTarget: [String])
    /// Tables of the target that hold rows besides those the migrations write, with their counts.
    case targetNotEmpty([TableRowCount])
    /// A stored value has no form in the target column's type.
    case valueNotConvertible(table: String, column: String, value: ColumnValue)

    /// A table and how many rows it holds.
    public struct TableRowCount: Sendable, Equatable {
        public var table: String
        public var rows: Int
    }

    public var description: String {
        switch self {
        case .unsupportedEngines(let source, let target):
            return "copying goes from SQLite to PostgreSQL, not from \(source.rawValue) to \(target.rawValue)"
        case .sourceNotMigrated:
            return "the source has no parley_migrations table, so it is not a Parley database"
        case .sourceSchemaDiffers(let missing, let unknown):
            var parts: [String] = []
            if !missing.isEmpty {
                parts.append(
                    "it lacks \(missing.joined(separator: ", ")): run `parley migrate` on it with this build first")
            }
            if !unknown.isEmpty {
                parts.append(
                    "it has \(unknown.joined(separator: ", ")), which this build does not know: use a newer build")
            }
            return "the source's schema is not this build's: " + parts.joined(separator: "; ")
        case .tablesNotCovered(let tables):
            return "this build does not know how to copy the tables \(tables.joined(separator: ", "))"
        case .columnsDiffer(let table, let onlyInSource, let onlyInTarget):
            return """
                the columns of \(table) differ: only in the source \(onlyInSource), only in the target \(onlyInTarget)
                """
        case .targetNotEmpty(let counts):
            let list = counts.map { "\($0.table) (\($0.rows) row\($0.rows == 1 ? "" : "s"))" }.joined(separator: ", ")
            return "the target already holds data in \(list); copy only into an empty database"
        case .valueNotConvertible(let table, let column, let value):
            return "\(table).\(column) holds \(value), which the target's column cannot store"
        }
    }
}
