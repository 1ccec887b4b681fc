import Foundation
@testable import ParleyCore
import ParleyTestSupport
import SQLKit
import Testing

/// On SQLite a write holds the one writer every other write waits for, so its body runs on the
/// writer's thread (``DatabaseThread``) whoever calls it, and the caller goes on where it was.
@Suite("SQLite's writer thread")
struct SQLiteWriterThreadTests {
    @Test(.enabled(if: TestDatabase.engine == .sqlite))
    func aWriteRunsOnTheWritersThreadAndItsCallerContinuesOffIt() async throws {
        try await ChatTestContext.run { context in
            #expect(!DatabaseThread.shared.isCurrent)
            let (beforeStatement, afterStatement) = try await context.database.write { db in
                let before = DatabaseThread.shared.isCurrent
                try await db.raw("INSERT INTO settings (key, value, updated_at) VALUES ('thread', 'x', 0)").run()
                return (before, DatabaseThread.shared.isCurrent)
            }
            #expect(beforeStatement)
            #expect(afterStatement)
            #expect(!DatabaseThread.shared.isCurrent)
        }
    }
}
