import SQLKit

/// One step of the schema. Once a migration has landed it never changes; a new one follows it.
public protocol Migration: Sendable {
    /// Recorded in `parley_migrations`; ordered by its numeric prefix.
    var name: String { get }
    func prepare(on db: any SQLDatabase, engine: DatabaseEngine) async throws
}

/// Runs a migration's statements in order.
enum SchemaSQL {
    static func run(_ statements: [String], on db: any SQLDatabase) async throws {
        for statement in statements {
            try await db.raw(SQLQueryString(statement)).run()
        }
    }
}
