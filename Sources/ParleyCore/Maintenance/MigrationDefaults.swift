import Foundation
import Logging

/// The rows the migrations write themselves (the chat switch's first setting, say). A target that
/// holds nothing else counts as empty: the copy replaces them with the source's.
///
/// Read from a scratch SQLite database migrated for the purpose, so whatever a later migration
/// writes is known too.
enum MigrationDefaults {
    /// Each table's default rows, with their values in the form `columns` store.
    static func rows(
        of tables: [CopiedTable], logger: Logger
    ) async throws
        -> [String: Set<[ColumnValue]>]
    {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("parley-migration-defaults-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("scratch.sqlite").path
        let scratch = try await Database.open(.init(location: .sqlite(path: path), poolSize: 1), logger: logger)
        do {
            try await Migrator(database: scratch, logger: logger).migrate()
            let rows = try await scratch.read { db in
                var rows: [String: Set<[ColumnValue]>] = [:]
                for table in tables {
                    let stored = try await TableCatalog.rows(of: table.name, columns: table.columns, on: db)
                    rows[table.name] = Set(stored.map { table.converted($0) })
                }
                return rows
            }
            await scratch.close()
            return rows
        } catch {
            await scratch.close()
            throw error
        }
    }
}
