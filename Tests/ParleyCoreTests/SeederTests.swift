import Foundation
import ParleyCore
import ParleyTestSupport
import SQLKit
import Testing

@Suite("Demo and benchmark data")
struct SeederTests {
    @Test func benchDataHasExactlyTheRequestedRowsAndConsistentCounters() async throws {
        try await ChatTestContext.run { context in
            let sizes = BenchSeeder.Sizes(users: 300, products: 70, sessions: 1_001, messages: 9_876)
            try await BenchSeeder(database: context.database, sizes: sizes, chunkSize: 97).seed()

            let counts = try await context.fixtures.tableCounts()
            #expect(counts == ["users": 300, "products": 70, "chat_sessions": 1_001, "chat_messages": 9_876])
            #expect(try await CounterAudit(database: context.database).findDrift().isEmpty)
            try await context.database.read { db in
                // Each session's vendor owns its product, its customer is a customer, and some wait unread.
                let wrongVendor = try await db.raw(
                    """
                    SELECT COUNT(*) AS n FROM chat_sessions s JOIN products p ON p.id = s.product_id
                    JOIN users c ON c.id = s.customer_id
                    WHERE s.vendor_id <> p.vendor_id OR c.role <> 'customer'
                    """
                ).first()?.decode(column: "n", as: Int64.self)
                #expect(wrongVendor == 0)
                // Message ids are given out without gaps, in time order within each session.
                let ids = try #require(
                    try await db.raw("SELECT MIN(id) AS lo, MAX(id) AS hi FROM chat_messages").first())
                #expect(
                    try ids.decode(column: "hi", as: Int64.self) - ids.decode(column: "lo", as: Int64.self) == 9_875)
                let outOfOrder = try await db.raw(
                    """
                    SELECT COUNT(*) AS n FROM chat_messages a JOIN chat_messages b
                        ON b.chat_session_id = a.chat_session_id AND b.id = a.id + 1
                    WHERE b.created_at <= a.created_at
                    """
                ).first()?.decode(column: "n", as: Int64.self)
                #expect(outOfOrder == 0)
                let unread =
                    try await db.raw("SELECT COUNT(*) AS n FROM chat_sessions WHERE unread_count > 0")
                    .first()?.decode(column: "n", as: Int64.self) ?? 0
                #expect(unread > 200 && unread < 300)
                let range = try #require(
                    try await db.raw("SELECT MIN(messages_count) AS lo, MAX(messages_count) AS hi FROM chat_sessions")
                        .first())
                #expect(try range.decode(column: "lo", as: Int64.self) >= 1)
                #expect(try range.decode(column: "hi", as: Int64.self) > 12)
            }
        }
    }

    /// PostgreSQL loads without the indexes and foreign keys and builds them again afterwards: the
    /// schema must come out exactly as it went in.
    @Test(.enabled(if: TestDatabase.engine == .postgres))
    func benchSeedingOnPostgreSQLLeavesEveryIndexAndConstraintAsItWas() async throws {
        try await ChatTestContext.run { context in
            @Sendable func schema() async throws -> [String] {
                try await context.database.read { db in
                    let indexes = try await db.raw(
                        """
                        SELECT indexdef AS d FROM pg_indexes WHERE schemaname = current_schema()
                        UNION ALL SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
                        FROM pg_constraint WHERE connamespace = CAST(current_schema() AS regnamespace)
                        """
                    ).all().map { try $0.decode(column: "d", as: String.self) }
                    return indexes.sorted()
                }
            }
            let before = try await schema()
            #expect(before.contains { $0.contains("chat_messages_session_idx") })
            #expect(before.contains { $0.contains("FOREIGN KEY (chat_session_id)") })
            let sizes = BenchSeeder.Sizes(users: 50, products: 10, sessions: 100, messages: 500)
            try await BenchSeeder(database: context.database, sizes: sizes, chunkSize: 30).seed()
            #expect(try await schema() == before)
            // And the foreign keys hold again: a message for no session is refused.
            await #expect(throws: (any Error).self) {
                try await context.database.write { db in
                    try await db.raw(
                        """
                        INSERT INTO chat_messages (chat_session_id, sender_id, sender_role, body, created_at)
                        VALUES (999999, 1, 'customer', 'orphan', 0)
                        """
                    ).run()
                }
            }
        }
    }

    @Test func demoShopsSellTheirOwnTrade() async throws {
        try await ChatTestContext.run { context in
            _ = try await DemoSeeder(database: context.database, events: context.events).seed()
            let sellers = try await context.database.read { db in
                try await db.raw(
                    "SELECT p.name AS product, v.name AS vendor FROM products p JOIN users v ON v.id = p.vendor_id"
                ).all().reduce(into: [String: String]()) {
                    $0[try $1.decode(column: "product", as: String.self)] = try $1.decode(
                        column: "vendor", as: String.self)
                }
            }
            #expect(sellers["Sourdough Starter Kit"] == "Kettle & Crumb")
            #expect(sellers["Studio Monitor Headphones MK II"] == "Lumen Audio")
            #expect(sellers["Gravel Bike Frame, Chromoly 54cm"] == "Velo Works")
            #expect(sellers["Hand-thrown Stoneware Mug"] == "Fernwood Ceramics")
            #expect(sellers["Alpine 3-Season Tent, 2 Person"] == "Harbor & Pine Outfitters")
        }
    }

    @Test func realtimePairsAreConversationsWhoseTokensSignInTheirTwoParticipants() async throws {
        try await ChatTestContext.run { context in
            let seeder = RealtimeBenchSeeder(database: context.database)
            let pairs = try await seeder.seed(pairs: 3)
            _ = try await seeder.seed(pairs: 2)  // a second run on the same database adds, not collides
            #expect(pairs.count == 3)
            let tokens = APITokenService(database: context.database)
            for pair in pairs {
                let session = try #require(try await context.chat.findSession(id: pair.sessionID))
                #expect(try await tokens.user(for: pair.customerToken)?.id == session.customerID)
                #expect(try await tokens.user(for: pair.vendorToken)?.id == session.vendorID)
                #expect(pair.line.split(separator: "\t").count == 3)
            }
            #expect(try await context.fixtures.tableCounts()["chat_sessions"] == 5)
        }
    }

    @Test func benchDataCanBeAddedToADatabaseThatHasRowsAlready() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "first")
            let sizes = BenchSeeder.Sizes(users: 20, products: 5, sessions: 30, messages: 100)
            try await BenchSeeder(database: context.database, sizes: sizes).seed()
            #expect(try await context.fixtures.tableCounts()["chat_messages"] == 101)
            #expect(try await CounterAudit(database: context.database).findDrift().isEmpty)
            // The identity sequences moved past the generated ids, so ordinary inserts still work.
            let (_, _, _, later) = try await context.fixtures.conversation(chat: context.chat)
            _ = try await context.chat.sendMessage(sessionID: later.id, senderID: later.customerID, body: "after")
        }
    }

    @Test func benchSizesThatCannotBeMadeConsistentAreRefused() async throws {
        _ = try await ChatTestContext.run { context in
            #expect(throws: ConfigurationError.self) {
                try BenchSeeder(
                    database: context.database, sizes: .init(users: 10, products: 1, sessions: 100, messages: 0))
            }
        }
    }

    @Test func demoSeedersRacingOnAnEmptyDatabaseSeedItOnce() async throws {
        try await ChatTestContext.run { context in
            let summaries = try await withThrowingTaskGroup(of: DemoSeeder.Summary?.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        try await DemoSeeder(database: context.database, events: context.events, bcryptCost: 4)
                            .seedIfEmpty()
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let seeded = summaries.compactMap { $0 }
            #expect(seeded.count == 1, "\(summaries)")
            let counts = try await context.fixtures.tableCounts()
            #expect(counts["users"].map(Int.init) == seeded.first?.users)
            #expect(counts["chat_sessions"].map(Int.init) == seeded.first?.sessions)
        }
    }

    @Test func demoDataIsSeededOnceIntoAnEmptyDatabaseWithConsistentCounters() async throws {
        try await ChatTestContext.run { context in
            let seeder = DemoSeeder(database: context.database, events: context.events)
            #expect(try await seeder.isDatabaseEmpty())
            let summary = try await seeder.seed()
            #expect(summary.sessions > 20 && summary.messages > 40)
            #expect(try await !seeder.isDatabaseEmpty())
            #expect(try await CounterAudit(database: context.database).findDrift().isEmpty)
            let unread = try await context.database.read { db in
                try await ChatSessionRepository(db, engine: context.database.engine).unreadTotal()
            }
            #expect(unread > 0)
        }
    }
}
