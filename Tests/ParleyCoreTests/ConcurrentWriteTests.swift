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

    /// Writers in flight at once: enough to queue behind each other (and share COMMITs on SQLite),
    /// few enough that on a busy machine none waits past the pool's 10 s for a connection.
    static let inFlight = 24

    @Test func concurrentWritesAreEachAllOrNothingAndCommittedOnReturn() async throws {
        try await ChatTestContext.run { context in
            let database = context.database
            let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                var outcomes: [Int: Bool] = [:]
                for index in 0..<120 {
                    if index >= Self.inFlight, let (done, committed) = try await group.next() {
                        outcomes[done] = committed
                    }
                    group.addTask { (index, try await Self.writeTwoRows(index, on: database)) }
                }
                for try await (done, committed) in group { outcomes[done] = committed }
                return outcomes
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

    /// Writes two rows in one transaction, or none when `index` is a multiple of 3 (the writer
    /// fails after writing); returns whether it committed, checked from another connection.
    static func writeTwoRows(_ index: Int, on database: Database) async throws -> Bool {
        do {
            try await database.write { db in
                try await insert(key: "k\(index)", on: db)
                try await insert(key: "k\(index)b", on: db)
                if index % 3 == 0 { throw Refused() }
            }
        } catch is Refused {
            return false
        }
        // Returned means committed: another connection sees both rows now.
        let (first, second) = ("k\(index)", "k\(index)b")
        let seen = try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM settings WHERE key = \(bind: first) OR key = \(bind: second)")
                .first()?.decode(column: "n", as: Int64.self)
        }
        #expect(seen == 2, "writer \(index)")
        return true
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
