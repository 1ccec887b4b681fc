import ArgumentParser
import Foundation
import ParleyCore

/// Moves an installation from its SQLite file to PostgreSQL: copies every table into an empty
/// database, then checks the copy.
struct MigrateDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-data",
        abstract: "Copy every table from an SQLite database into an empty PostgreSQL database, then check the copy.",
        discussion: """
            Stop the server first. The target is migrated, must hold no data, and is filled in one \
            transaction; the counts of both sides and the chat counters are checked afterwards \
            (exit 1 when they disagree). See docs/postgres.md.
            """)

    @Option(help: "The SQLite database to copy: sqlite:///path/to/parley.sqlite or a plain path.") var from: String
    @Option(
        help: """
            The PostgreSQL database to fill: postgres://user:password@host:5432/database; DATABASE_URL when \
            left out (which keeps the password out of the process list).
            """)
    var to: String?

    func validate() throws {
        guard !from.isEmpty, case .sqlite? = try? DatabaseConfiguration.fromURL(from, poolSize: 1).location else {
            throw ValidationError("--from must be an SQLite database: sqlite:///path/to/file.sqlite")
        }
        if let to {
            guard case .postgres? = try? DatabaseConfiguration.fromURL(to, poolSize: 1).location else {
                throw ValidationError("--to must be a PostgreSQL URL: postgres://user:password@host:5432/database")
            }
        }
    }

    /// The source's path and the target's URL, the latter from DATABASE_URL when --to is left out.
    private func locations(_ environment: CommandEnvironment) throws -> (source: String, target: String) {
        guard case .sqlite(let path) = try DatabaseConfiguration.fromURL(from, poolSize: 1).location else {
            throw ValidationError("--from must be an SQLite database")
        }
        let target = try to.map { try DatabaseConfiguration.fromURL($0, poolSize: 1) }
        guard case .postgres(let url, _) = (target ?? environment.configuration.database).location else {
            throw ValidationError("give the PostgreSQL database with --to, or in DATABASE_URL")
        }
        return (path, url)
    }

    func run() async throws {
        let environment = try CommandEnvironment()
        let (path, url) = try locations(environment)
        let display = TableProgressDisplay()
        let report: DataMigrationReport
        do {
            report = try await DataMigration(
                from: .sqlite(path: path), to: .postgres(url: url, schema: nil), logger: environment.logger
            ).run { display.show($0) }
        } catch let error as DatabaseUnavailable {
            FileHandle.standardError.write(Data("parley: \(error.description)\n".utf8))
            throw ExitCode(CommandEnvironment.unavailableExitCode)
        } catch let error as DataMigrationError {
            FileHandle.standardError.write(Data("parley: nothing was copied: \(error)\n".utf8))
            throw ExitCode.failure
        } catch {
            // The rows are copied in one transaction, so a failure leaves the target without any.
            FileHandle.standardError.write(
                Data(
                    "parley: the copy failed and the target kept none of its rows: \(String(reflecting: error))\n".utf8)
            )
            throw ExitCode.failure
        }
        printSummary(report)
        if !report.isVerified { throw ExitCode.failure }
    }

    private func printSummary(_ report: DataMigrationReport) {
        print(
            String(
                format: "Copied %d rows in %d tables in %.1f s: %.0f rows/s while copying, %.0f rows/s in all.",
                report.copiedRows, report.tables.count, report.seconds, report.rowsPerSecond,
                Double(report.copiedRows) / max(report.seconds, 0.001)))
        let width = report.tables.map(\.table.count).max() ?? 0
        let digits = String(report.tables.map(\.sourceRows).max() ?? 0).count
        for table in report.tables {
            let name = table.table.padding(toLength: width, withPad: " ", startingAt: 0)
            let source =
                String(repeating: " ", count: max(0, digits - String(table.sourceRows).count))
                + String(table.sourceRows)
            let verdict =
                table.sourceRows == table.targetRows
                ? "the same in the target" : "DIFFERENT: \(table.targetRows) in the target"
            print("  \(name)  \(source) in the source, \(verdict)")
        }
        if report.drift.isEmpty {
            print("Counter audit: every chat session's counters match its messages.")
        } else {
            let count = report.drift.count == 100 ? "at least 100" : "\(report.drift.count)"
            print("Counter audit: \(count) chat sessions' counters disagree with their messages:")
            for drift in report.drift.prefix(10) { print("  \(drift)") }
        }
        print(
            report.isVerified
                ? "The copy checks out; point DATABASE_URL at the PostgreSQL database and start Parley."
                : "The copy does not check out: keep running on SQLite and look into the differences above.")
    }
}
