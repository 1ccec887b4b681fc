/// One column of a table as the database describes it.
public struct TableColumn: Sendable, Equatable {
    /// What a column holds, as far as copying it is concerned.
    public enum Kind: Sendable, Equatable {
        case integer
        case real
        case text
        case boolean
        case bytes
        /// A type with no conversion of its own; values travel in their text form.
        case other(String)

        /// From PostgreSQL's `information_schema.columns.data_type`.
        init(postgresType type: String) {
            switch type {
            case "bigint", "integer", "smallint": self = .integer
            case "double precision", "real": self = .real
            case "text", "character varying", "character": self = .text
            case "boolean": self = .boolean
            case "bytea": self = .bytes
            default: self = .other(type)
            }
        }

        /// From a declared SQLite column type, by SQLite's own affinity rules (and BOOLEAN).
        init(sqliteType declared: String) {
            let type = declared.uppercased()
            if type.contains("INT") {
                self = .integer
            } else if type.contains("CHAR") || type.contains("CLOB") || type.contains("TEXT") {
                self = .text
            } else if type.contains("BLOB") || type.isEmpty {
                self = .bytes
            } else if type.contains("BOOL") {
                self = .boolean
            } else if type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB") {
                self = .real
            } else {
                self = .other(declared)
            }
        }
    }

    public var name: String
    public var kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }
}
