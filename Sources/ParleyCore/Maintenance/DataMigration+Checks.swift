import SQLKit

// The checks around the copy: of the source's schema and the target's emptiness before it, and of
// the counts and counters after it.
extension DataMigration {
    /// The source must carry exactly the migrations this build has.
    static func checkSchema(of source: Database) async throws {
        let applied: [String]? = try await source.read { db in
            guard try await TableCatalog.tableNames(on: db, engine: .sqlite).contains(CopiedTables.bookkeeping)
            else { return nil }
            return try await db.raw("SELECT name FROM \(ident: CopiedTables.bookkeeping)").all().map {
                try $0.string("name")
            }
        }
        guard let applied else { throw DataMigrationError.sourceNotMigrated }
        let known = Migrator.all.map(\.name)
        let missing = known.filter { !applied.contains($0) }
        let unknown = applied.filter { !known.contains($0) }.sorted()
        guard missing.isEmpty, unknown.isEmpty else {
            throw DataMigrationError.sourceSchemaDiffers(missing: missing, unknown: unknown)
        }
    }

    /// Each table with the target's columns, once both sides are shown to have the same ones.
    static func copiedTables(from source: Database, to target: Database) async throws -> [CopiedTable] {
        var tables: [CopiedTable] = []
        for name in CopiedTables.inForeignKeyOrder {
            let targetColumns = try await target.read { db in
                try await TableCatalog.columns(of: name, on: db, engine: .postgres)
            }
            let sourceNames = try await source.read { db in
                try await TableCatalog.columns(of: name, on: db, engine: .sqlite).map(\.name)
            }
            let targetNames = targetColumns.map(\.name)
            guard Set(sourceNames) == Set(targetNames) else {
                throw DataMigrationError.columnsDiffer(
                    table: name, onlyInSource: sourceNames.filter { !targetNames.contains($0) },
                    onlyInTarget: targetNames.filter { !sourceNames.contains($0) })
            }
            tables.append(CopiedTable(name: name, columns: targetColumns))
        }
        return tables
    }

    /// Refuses a target with any row the migrations did not write.
    static func requireEmpty(
        _ tables: [CopiedTable], defaults: [String: Set<[ColumnValue]>], on db: any SQLDatabase
    ) async throws {
        var occupied: [DataMigrationError.TableRowCount] = []
        for table in tables {
            let count = try await TableCatalog.rowCount(of: table.name, on: db)
            guard count > 0 else { continue }
            let allowed = defaults[table.name] ?? []
            if count <= allowed.count {
                let rows = try await TableCatalog.rows(of: table.name, columns: table.columns, on: db)
                if rows.allSatisfy({ allowed.contains(table.converted($0)) }) { continue }
            }
            occupied.append(.init(table: table.name, rows: count))
        }
        guard occupied.isEmpty else { throw DataMigrationError.targetNotEmpty(occupied) }
    }

    /// Counts the target's rows against the source's, and audits the counters.
    static func verify(
        _ copied: [DataMigrationReport.TableResult], in target: Database, since started: ContinuousClock.Instant
    ) async throws -> DataMigrationReport {
        let tables = try await target.read { db in
            var tables: [DataMigrationReport.TableResult] = []
            for var result in copied {
                // Fresh statistics, so the planner knows the tables' new sizes from the first query.
                try await db.raw("ANALYZE \(ident: result.table)").run()
                result.targetRows = try await TableCatalog.rowCount(of: result.table, on: db)
                tables.append(result)
            }
            return tables
        }
        let drift = try await CounterAudit(database: target).findDrift(limit: 100)
        return DataMigrationReport(tables: tables, drift: drift, seconds: Self.seconds(ContinuousClock.now - started))
    }
}
