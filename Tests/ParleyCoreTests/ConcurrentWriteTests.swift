import Foundation
import ParleyCore
import ParleyTestSupport
import SQLKit
import Testing

/// Writes that arrive together (grouped into one COMMIT on SQLite) still behave as separate
/// transactions: each is all-or-nothing and visible to every reader once it has returned.
@Suite("Concurrent writes")
struct ConcurrentWriteTests {
    struct Refused: Error {}

    static func insert(key: String, on db: any SQLDatabase) async throws {
        try await db.raw("INSERT INTO settings (key, value, updated_at) VALUES (\(bind: key), 'x', 0)").run()
    }

    @Test func concurrentWritesAreEachAllOrNothingAndCommittedOnReturn() async throws {
        try await ChatTestContext.run { context in
            let database = context.database
            let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                for index in 0..<120 {
                    group.addTask {
                        do {
                            try await database.write { db in
                                try await Self.insert(key: "k\(index)", on: db)
                                try await Self.insert(key: "k\(index)b", on: db)
                                // Every third writer fails after writing: none of its rows may stay.
                                if index % 3 == 0 { throw Refused() }
                            }
                        } catch is Refused {
                            return (index, false)
                        }
                        // Returned means committed: another connection sees both rows now.
                        let (first, second) = ("k\(index)", "k\(index)b")
                        let seen = try await database.read { db in
                            try await db.raw(
                                "SELECT COUNT(*) AS n FROM settings WHERE key = \(bind: first) OR key = \(bind: second)"
                            )
                            .first()?.decode(column: "n", as: Int64.self)
                        }
                        #expect(seen == 2, "writer \(index)")
                        return (index, true)
                    }
                }
                return try await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
            }
            let stored = try await database.read { db in
                try await db.raw("SELECT key FROM settings WHERE key LIKE 'k%'").all().map {
                    try $0.decode(column: "key", as: String.self)
                }
            }
            let expected = outcomes.filter(\.value).keys.flatMap { ["k\($0)", "k\($0)b"] }
            #expect(Set(stored) == Set(expected))
            #expect(stored.count == 160)
            if let statistics = database.writeStatistics {
                // Writers queued behind each other shared COMMITs.
                #expect(statistics.groupedWrites > 0 && statistics.commits < 80, "\(statistics)")
            }
        }
    }

    @Test func aConstraintViolationFailsOnlyTheWriterThatCausedIt() async throws {
        try await ChatTestContext.run { context in
            let database = context.database
            let results = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        do {
                            try await database.write { db in
                                // Pairs of writers claim the same key; one of each pair must lose.
                                try await Self.insert(key: "pair\(index / 2)", on: db)
                            }
                            return true
                        } catch {
                            #expect(Database.isUniqueViolation(error))
                            return false
                        }
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 20)
            let stored = try await database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM settings WHERE key LIKE 'pair%'").first()?
                    .decode(column: "n", as: Int64.self)
            }
            #expect(stored == 20)
        }
    }
}
