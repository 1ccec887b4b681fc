import Foundation
import ParleyCore
import ParleyTestSupport
import SQLKit
import Testing

@Suite("Audit log")
struct AuditLogTests {
    static func entry(_ action: AuditAction, by actor: AuditActor, ids: [Int64] = []) -> AuditRecord {
        AuditRecord(actor: actor, action: action, target: .chatSession, targetIDs: ids, summary: "s")
    }

    @Test func entriesCannotBeChangedOrRemovedEvenWithRawSQL() async throws {
        try await ChatTestContext.run { context in
            let audit = AuditTrail(database: context.database)
            try await audit.record(Self.entry(.signIn, by: .commandLine))
            await #expect(throws: (any Error).self) {
                try await context.database.write { db in
                    try await db.raw("UPDATE audit_log SET summary = 'rewritten'").run()
                }
            }
            await #expect(throws: (any Error).self) {
                try await context.database.write { db in try await db.raw("DELETE FROM audit_log").run() }
            }
            if context.database.engine == .postgres {
                await #expect(throws: (any Error).self) {
                    try await context.database.write { db in try await db.raw("TRUNCATE audit_log").run() }
                }
            }
            let (entries, total) = try await audit.page(.init(), page: 1, perPage: 10)
            #expect(total == 1 && entries.first?.summary == "s")
            // Appending still works after a refused change.
            try await audit.record(Self.entry(.signOut, by: .commandLine))
            #expect(try await audit.page(.init(), page: 1, perPage: 10).total == 2)
        }
    }

    @Test func theListIsNewestFirstAndFiltersByActorActionAndDate() async throws {
        try await ChatTestContext.run { context in
            let clock = ManualClock(start: Date(timeIntervalSince1970: 1_800_000_000))
            let audit = AuditTrail(database: context.database, clock: clock.read)
            let ada = AuditActor(id: 1, name: "Ada", email: "ada@example.com")
            let bob = AuditActor(id: 2, name: "Bob", email: "bob@example.com")
            try await audit.record(Self.entry(.signIn, by: ada))
            clock.advance(86_400)
            try await audit.record(Self.entry(.sessionsDeleted, by: bob, ids: [3, 4]))
            clock.advance(86_400)
            try await audit.record(Self.entry(.sessionsDeleted, by: ada, ids: [5]))
            try await audit.record(AuditRecord(actor: .unknown(email: "who@example.com"), action: .signInFailed))

            let all = try await audit.page(.init(), page: 1, perPage: 10)
            #expect(all.total == 4)
            #expect(all.entries.map(\.action) == [.signInFailed, .sessionsDeleted, .sessionsDeleted, .signIn])
            #expect(all.entries[1].targetIDs == "5" && all.entries[2].targetIDs == "3,4")
            #expect(all.entries[0].actorID == nil && all.entries[0].actorEmail == "who@example.com")

            let byAda = try await audit.page(.init(actorID: 1), page: 1, perPage: 10)
            #expect(byAda.entries.map(\.action) == [.sessionsDeleted, .signIn])
            let deletions = try await audit.page(.init(action: .sessionsDeleted), page: 1, perPage: 10)
            #expect(deletions.entries.map(\.actorName) == ["Ada", "Bob"])
            let day2 = Date(timeIntervalSince1970: 1_800_000_000 + 86_400)
            let second = try await audit.page(
                .init(from: day2, until: day2.addingTimeInterval(1)), page: 1, perPage: 10)
            #expect(second.entries.map(\.actorName) == ["Bob"])
            let paged = try await audit.page(.init(), page: 2, perPage: 3)
            #expect(paged.total == 4 && paged.entries.map(\.action) == [.signIn])
            #expect(try await audit.actors().map(\.name) == ["Ada", "Bob"])

            var batches: [[Int64]] = []
            try await audit.forEachBatch(of: .init(), batchSize: 3) { batches.append($0.map(\.id)) }
            #expect(batches.map(\.count) == [3, 1] && batches.flatMap { $0 } == all.entries.map(\.id))
        }
    }

    @Test func theMigrationCopyListsTheAuditLog() {
        #expect(CopiedTables.inForeignKeyOrder.contains("audit_log"))
    }
}
