/// The storage engines Parley runs on. Every feature works on both.
public enum DatabaseEngine: String, Sendable {
    case sqlite
    case postgres

    /// The SQL that differs between the two.
    public var dialect: SQLDialect { SQLDialect(engine: self) }
}
