import Foundation
import ParleyCore
import ParleyTestSupport
import SQLKit
import Testing

/// `PARLEY_SQLITE_SYNCHRONOUS` decides whether SQLite flushes its log at every COMMIT (FULL) or
/// only at checkpoints (NORMAL); BENCHMARKS.md has what each costs.
@Suite("SQLite's synchronous setting")
struct SQLiteSynchronousTests {
    typealias Mode = DatabaseConfiguration.SQLiteSynchronous

    static func mode(_ text: String) throws -> Mode {
        try ParleyConfiguration.fromEnvironment(["PARLEY_SQLITE_SYNCHRONOUS": text]).database.sqliteSynchronous
    }

    @Test func theSettingIsReadWithFullAsTheDefault() throws {
        #expect(try ParleyConfiguration.fromEnvironment([:]).database.sqliteSynchronous == .full)
        #expect(try Self.mode("") == .full)
        #expect(try Self.mode("normal") == .normal)
        #expect(try Self.mode("FULL") == .full)
    }

    @Test func anyOtherValueIsRefusedByName() {
        for junk in ["off", "extra", "2", "fulll"] {
            #expect {
                try Self.mode(junk)
            } throws: { error in
                (error as? ConfigurationProblems)?.problems.map { problem -> String in
                    guard case .invalid(let name, _) = problem else { return "" }
                    return name
                } == ["PARLEY_SQLITE_SYNCHRONOUS"]
            }
        }
    }

    /// SQLite answers 1 for NORMAL and 2 for FULL; the writer and each reader set it on opening.
    static func synchronous(_ db: any SQLDatabase) async throws -> Int? {
        try await db.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)
    }

    @Test(.enabled(if: TestDatabase.engine == .sqlite), arguments: Mode.allCases)
    func anOpenedDatabaseUsesTheChosenMode(_ mode: Mode) async throws {
        let answers = try await TestDatabase.withEmpty(configure: { $0.sqliteSynchronous = mode }) { database in
            (writer: try await database.write(Self.synchronous), reader: try await database.read(Self.synchronous))
        }
        let expected = mode == .full ? 2 : 1
        #expect(answers.writer == expected)
        #expect(answers.reader == expected)
    }
}
