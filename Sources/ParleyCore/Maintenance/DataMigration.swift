import Foundation
import Logging
import NIOPosix
import PostgresKit
import SQLKit

/// Copies a Parley database from an SQLite file into an empty PostgreSQL database
/// (`parley migrate-data`).
///
/// The target is migrated first. Every table of ``CopiedTables`` is then streamed into it with
/// COPY, parents first, in one transaction: a copy that fails leaves the target as empty as it
/// was. Ids and counters are copied as stored, and each id sequence is moved past the highest id.
/// The source is read in one transaction too, so the copy is one moment of it. Afterwards the row
/// counts of both sides are compared and the target's counters audited.
public struct DataMigration: Sendable {
    let sourcePath: String
    let targetURL: String
    /// The schema to fill instead of the connection's default one (tests use one each).
    let targetSchema: String?
    let logger: Logger

    /// Throws ``DataMigrationError/unsupportedEngines(source:target:)`` unless `source` is an SQLite
    /// file and `target` a PostgreSQL database.
    public init(
        from source: DatabaseConfiguration.Location, to target: DatabaseConfiguration.Location, logger: Logger
    ) throws {
        guard case .sqlite(let path) = source, case .postgres(let url, let schema) = target else {
            throw DataMigrationError.unsupportedEngines(
                source: Self.engine(of: source), target: Self.engine(of: target))
        }
        self.sourcePath = path
        self.targetURL = url
        self.targetSchema = schema
        self.logger = logger
    }

    /// Copies, then checks. Throws ``DataMigrationError`` when it refuses or cannot copy a value, and
    /// ``DatabaseUnavailable`` when either database cannot be opened (a missing SQLite file included).
    public func run(
        progress: @escaping @Sendable (DataMigrationStep) -> Void = { _ in }
    ) async throws
        -> DataMigrationReport
    {
        let started = ContinuousClock.now
        guard FileManager.default.fileExists(atPath: sourcePath) else {
            throw DatabaseUnavailable(description: "there is no SQLite database at \(sourcePath)")
        }
        let source = try await Database.open(.init(location: .sqlite(path: sourcePath), poolSize: 1), logger: logger)
        let target: Database
        do {
            target = try await Database.open(
                .init(location: .postgres(url: targetURL, schema: targetSchema), poolSize: 1), logger: logger)
        } catch {
            await source.close()
            throw error
        }
        do {
            let report = try await run(from: source, to: target, started: started, progress: progress)
            await source.close()
            await target.close()
            return report
        } catch {
            await source.close()
            await target.close()
            throw error
        }
    }

    private func run(
        from source: Database, to target: Database, started: ContinuousClock.Instant,
        progress: @escaping @Sendable (DataMigrationStep) -> Void
    ) async throws -> DataMigrationReport {
        try await Self.checkSchema(of: source)
        try await Migrator(database: target, logger: logger).migrate()
        let uncovered = try await CopiedTables.uncovered(in: target)
        guard uncovered.isEmpty else { throw DataMigrationError.tablesNotCovered(uncovered) }
        let tables = try await Self.copiedTables(from: source, to: target)
        let defaults = try await MigrationDefaults.rows(of: tables, logger: logger)

        let copied = try await inCopyTransaction { connection in
            let targetDB = connection.sql(queryLogLevel: .trace)
            try await targetDB.raw(
                "LOCK TABLE \(idents: tables.map(\.name), joinedBy: ", ") IN EXCLUSIVE MODE"
            ).run()
            try await Self.requireEmpty(tables, defaults: defaults, on: targetDB)
            for table in tables.reversed() where !(defaults[table.name] ?? []).isEmpty {
                try await targetDB.raw("DELETE FROM \(ident: table.name)").run()
            }
            let setAside = try await BulkLoadSchema.read(tables: tables.map(\.name), on: targetDB)
            try await setAside.setAside(on: targetDB)
            let copied = try await source.read { sourceDB in
                try await Self.inSnapshot(sourceDB) {
                    try await copy(tables, from: sourceDB, to: connection, progress: progress)
                }
            }
            progress(.rebuilding(indexes: setAside.indexes.count, foreignKeys: setAside.foreignKeys.count))
            try await setAside.restore(on: targetDB)
            try await Self.resetSequences(of: tables, on: targetDB)
            return copied
        }
        progress(.verifying)
        return try await Self.verify(copied, in: target, since: started)
    }

    /// Runs `body` in one transaction on a connection of its own: COPY needs the PostgreSQL
    /// connection itself, which the pool behind ``Database`` does not hand out.
    private func inCopyTransaction<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        var configuration = try SQLPostgresConfiguration(url: targetURL)
        configuration.searchPath = targetSchema.map { [$0] }
        let connection = try await PostgresConnectionSource(sqlConfiguration: configuration)
            .makeConnection(logger: logger, on: MultiThreadedEventLoopGroup.singleton.any()).get()
        let db = connection.sql(queryLogLevel: .trace)
        do {
            try await db.raw("BEGIN").run()
            let result = try await body(connection)
            try await db.raw("COMMIT").run()
            try await connection.close()
            return result
        } catch {
            try? await db.raw("ROLLBACK").run()
            try? await connection.close()
            throw error
        }
    }

    /// Runs `body` in a read transaction, so that every query in it sees the same state of the file.
    private static func inSnapshot<T>(_ db: any SQLDatabase, _ body: () async throws -> T) async throws -> T {
        try await db.raw("BEGIN").run()
        let result: T
        do {
            result = try await body()
        } catch {
            try? await db.raw("ROLLBACK").run()
            throw error
        }
        try await db.raw("COMMIT").run()
        return result
    }

    private func copy(
        _ tables: [CopiedTable], from sourceDB: any SQLDatabase, to target: PostgresConnection,
        progress: @escaping @Sendable (DataMigrationStep) -> Void
    ) async throws -> [DataMigrationReport.TableResult] {
        var totals: [Int] = []
        for table in tables { totals.append(try await TableCatalog.rowCount(of: table.name, on: sourceDB)) }
        var results: [DataMigrationReport.TableResult] = []
        for (index, table) in tables.enumerated() {
            let report = TableCopyProgress(
                table: table.name, position: index + 1, tableCount: tables.count, copiedRows: 0,
                totalRows: totals[index], isFinished: false)
            progress(.copying(report))
            let started = ContinuousClock.now
            let copied = try await TableCopy(table: table, logger: logger).run(from: sourceDB, to: target) {
                var running = report
                running.copiedRows = $0
                progress(.copying(running))
            }
            var finished = report
            finished.copiedRows = copied
            finished.isFinished = true
            progress(.copying(finished))
            results.append(
                .init(
                    table: table.name, sourceRows: totals[index], targetRows: copied,
                    seconds: Self.seconds(ContinuousClock.now - started)))
        }
        return results
    }

    /// Moves every id sequence past the highest id copied, so the next insert does not collide.
    private static func resetSequences(of tables: [CopiedTable], on db: any SQLDatabase) async throws {
        for table in tables {
            for column in try await TableCatalog.sequenceColumns(of: table.name, on: db) {
                try await db.raw(
                    """
                    SELECT setval(pg_get_serial_sequence(\(bind: table.name), \(bind: column)),
                        COALESCE(MAX(\(ident: column)), 0) + 1, false)
                    FROM \(ident: table.name)
                    """
                ).run()
            }
        }
    }

    private static func engine(of location: DatabaseConfiguration.Location) -> DatabaseEngine {
        switch location {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
