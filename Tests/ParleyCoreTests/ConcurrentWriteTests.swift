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

    @Test func concurrentWritesAreEachAllOrNothingAndCommittedOnReturn() async throws {
        try await ChatTestContext.run { context in
            let database = context.database
            let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                for index in 0..<120 {
                    group.addTask {
                        do {
                            try await database.write { db in
                                try await db.raw(
                                    "INSERT INTO settings (key, value, updated_at) VALUES (\(bind: "k\(index)"), 'a', 0)"
                                ).run()
                                try await db.raw(
                                    "INSERT INTO settings (key, value, updated_at) VALUES (\(bind: "k\(index)b"), 'b', 0)"
                                ).run()
                                // Every third writer fails after writing: none of its rows may stay.
                                if index % 3 == 0 { throw Refused() }
                            }
                        } catch is Refused {
                            return (index, false)
                        }
                        // Returned means committed: another connection sees both rows now.
                        let seen = try await database.read { db in
                            try await db.raw(
                                "SELECT COUNT(*) AS n FROM settings WHERE key IN (\(bind: "k\(index)"), \(bind: "k\(index)b"))"
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
                                try await db.raw(
                                    "INSERT INTO settings (key, value, updated_at) VALUES (\(bind: "pair\(index / 2)"), 'x', 0)"
                                ).run()
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
