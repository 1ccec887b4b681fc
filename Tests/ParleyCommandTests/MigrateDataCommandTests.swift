import Foundation
import Logging
import ParleyCore
import ParleyTestSupport
import SQLKit
import Testing

@Suite("parley migrate-data")
struct MigrateDataCommandTests {
    /// A new, empty database on the test server, for a command that takes a URL and cannot be
    /// pointed at a schema; dropped afterwards.
    static func withScratchDatabase(_ body: (_ url: String) async throws -> Void) async throws {
        let server = try #require(TestDatabase.postgresURL)
        let name = "parley_migrate_\(UUID().uuidString.prefix(8).lowercased())"
        var parts = try #require(URLComponents(string: server))
        parts.path = "/" + name
        let url = try #require(parts.string)
        let admin = try await Database.open(
            .init(location: .postgres(url: server, schema: nil), poolSize: 1), logger: Logger(label: "test"))
        try await admin.read { db in try await db.raw("CREATE DATABASE \(ident: name)").run() }
        do {
            try await body(url)
        } catch {
            try? await admin.read { db in try await db.raw("DROP DATABASE \(ident: name) WITH (FORCE)").run() }
            await admin.close()
            throw error
        }
        try await admin.read { db in try await db.raw("DROP DATABASE \(ident: name) WITH (FORCE)").run() }
        await admin.close()
    }

    @Test(.enabled(if: TestDatabase.engine == .postgres))
    func movesASeededDatabaseChecksItAndRefusesToCopyTwice() async throws {
        let directory = try ParleyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("demo.sqlite").path
        let seeded = try await ParleyProcess.run(
            ["seed", "--demo"], in: directory, environment: ["DATABASE_URL": "sqlite://\(path)"])
        #expect(seeded.status == 0, "\(seeded.errors)")

        try await Self.withScratchDatabase { url in
            let moved = try await ParleyProcess.run(
                ["migrate-data", "--from", "sqlite://\(path)", "--to", url], in: directory)
            #expect(moved.status == 0, "\(moved.errors)")
            let lines = moved.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            for table in CopiedTables.inForeignKeyOrder {
                #expect(
                    lines.contains {
                        $0.hasPrefix(table + " ") && $0.hasSuffix("in the source, the same in the target")
                    }, "\(table)")
                #expect(moved.errors.contains("] \(table): "), "no progress line for \(table)")
            }
            #expect(!moved.output.contains("DIFFERENT"))
            #expect(moved.output.contains("Counter audit: every chat session's counters match its messages."))

            let again = try await ParleyProcess.run(
                ["migrate-data", "--from", "sqlite://\(path)", "--to", url], in: directory)
            #expect(again.status == 1)
            #expect(again.errors.contains("nothing was copied: the target already holds data in users"))

            let doctor = try await ParleyProcess.run(["doctor"], in: directory, environment: ["DATABASE_URL": url])
            #expect(doctor.status == 0 && doctor.output.contains("No drift"))
        }
    }

    @Test func aMissingSourceFileIsRefusedBeforeTheTargetIsReached() async throws {
        let directory = try ParleyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await ParleyProcess.run(
            [
                "migrate-data", "--from", "sqlite://\(directory.path)/none.sqlite", "--to",
                "postgres://u:p@127.0.0.1:1/x",
            ],
            in: directory)
        #expect(result.status == 69)
        #expect(result.errors.contains("there is no SQLite database at \(directory.path)/none.sqlite"))
    }

    @Test func anythingButSQLiteToPostgreSQLIsAUsageError() async throws {
        let directory = try ParleyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let backwards = try await ParleyProcess.run(
            ["migrate-data", "--from", "postgres://u:p@127.0.0.1:1/x", "--to", "sqlite:///tmp/x.sqlite"],
            in: directory)
        #expect(backwards.status == 64)
        #expect(backwards.errors.contains("--from must be an SQLite database"))
    }
}
