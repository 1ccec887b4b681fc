import Foundation
import Logging
import NIOConcurrencyHelpers
import ParleyTestSupport
import SQLKit
import Testing

@testable import ParleyCore

/// `parley migrate-data`'s copy from an SQLite file into PostgreSQL. PostgreSQL only: the
/// target must be one, so these run when `PARLEY_TEST_DATABASE_URL` names a server.
@Suite("Data migration from SQLite to PostgreSQL", .enabled(if: TestDatabase.engine == .postgres))
struct DataMigrationTests {
    static let logger: Logger = {
        var logger = Logger(label: "parley.tests")
        logger.logLevel = .warning
        return logger
    }()

    /// A demo marketplace in an SQLite file with rows in every table, and a fresh PostgreSQL
    /// schema as the target; both removed afterwards.
    static func withDatabases(
        _ body: (_ migration: DataMigration, _ source: Database, _ target: Database) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-tests")
        let path = directory.appendingPathComponent("source-\(UUID().uuidString).sqlite").path
        let location = try await TestDatabase.makeLocation()
        let source = try await Database.open(.init(location: .sqlite(path: path), poolSize: 2), logger: logger)
        let target = try await Database.open(.init(location: location, poolSize: 2), logger: logger)
        do {
            try await Migrator(database: source, logger: logger).migrate()
            try await fillEveryTable(source)
            let migration = try DataMigration(from: .sqlite(path: path), to: location, logger: logger)
            try await body(migration, source, target)
        } catch {
            await source.close()
            await target.close()
            await TestDatabase.remove(.sqlite(path: path))
            await TestDatabase.remove(location)
            throw error
        }
        await source.close()
        await target.close()
        await TestDatabase.remove(.sqlite(path: path))
        await TestDatabase.remove(location)
    }

    /// `parley seed --demo`, then what the demo leaves empty: tokens, sign-in sessions and
    /// failures, changed settings, devices, a muted session and a declined reminder preference, a
    /// webhook endpoint with a queued delivery, a due reminder, a block, a report, a message with
    /// hidden contact details, a ban, a session without messages, a client message id, and text
    /// that COPY has to escape.
    static func fillEveryTable(_ database: Database) async throws {
        let events = InProcessEventBus()
        _ = try await DemoSeeder(database: database, events: events, bcryptCost: 4).seed()
        let fixtures = Fixtures(database: database)
        let chat = ChatService(database: database, events: events)
        let (customer, vendor, _, session) = try await fixtures.conversation(chat: chat)
        _ = try await APITokenService(database: database).issue(for: customer)
        _ = try await APITokenService(database: database).issue(for: vendor)
        _ = try await WebSessionService(database: database).start(for: vendor)
        try await SignInThrottle(database: database).recordFailure(email: customer.email, client: "192.0.2.7")
        try await SettingsService(database: database).setChatEnabled(false)
        try await SettingsService(database: database).setEmailRemindersEnabled(false)
        try await AuditTrail(database: database).record(
            AuditRecord(
                actor: AuditActor(vendor), action: .settingsChanged, target: .settings, summary: "chat: on → off",
                clientAddress: "192.0.2.8"))
        _ = try await DeviceService(database: database).register(platform: "ios", token: "apns-1", for: customer)
        _ = try await DeviceService(database: database).register(platform: "web", token: "https://p/x?y", for: vendor)
        let preferences = NotificationPreferenceService(database: database)
        _ = try await preferences.update(emailReminders: false, for: vendor)
        try await preferences.setMuted(true, sessionID: session.id, by: customer)
        let moderation = ModerationService(database: database, events: events)
        try await moderation.block(sessionID: session.id, by: customer)
        _ = try await moderation.report(sessionID: session.id, by: customer, reason: "spam", messageID: nil, note: "n")
        let other = try await fixtures.conversation(chat: chat)
        _ = try await chat.send(
            sessionID: other.session.id, senderID: other.customer.id, body: "Zoë's \\ back\\slash, straße 😀",
            clientMessageID: "c-1")
        // A message whose contact details were hidden keeps its text as written, and a banned user.
        try await SettingsService(database: database).setContactDetailPolicy(.hide)
        _ = try await chat.send(
            sessionID: other.session.id, senderID: other.vendor.id, body: "mail me: a@example.com",
            clientMessageID: nil)
        try await moderation.ban(userID: other.vendor.id)
        try await database.write { db in
            try await db.raw(
                """
                INSERT INTO settings (key, value, updated_at)
                VALUES ('copy_text', \(bind: "tab\there\nnew line\r\\N \\. end"), 1)
                """
            ).run()
        }
        let endpoint = try await WebhookService(database: database).add(
            url: "https://crm.example.com/hook", events: "message.created,unread.reminder_due")
        try await database.write { db in
            let event = OutgoingWebhookEvent(
                publicID: "evt_copy", type: .messageCreated, sessionID: other.session.id, body: #"{"id":"evt_copy"}"#)
            try await WebhookDeliveryRepository(db, engine: database.engine).enqueue(
                event, to: [endpoint], at: Date(), retryingFor: .seconds(60))
            try await UnreadReminderRepository(db, engine: database.engine).apply([
                ReminderKey(sessionID: other.session.id, userID: other.vendor.id): .schedule(
                    dueAt: Date(), restart: false)
            ])
        }
        #expect(session.lastMessageAt == nil)
    }

    /// Every row of every copied table, with the values in the target's column order.
    static func rows(of database: Database, columnsFrom target: Database) async throws -> [String: Set<[ColumnValue]>] {
        var rows: [String: Set<[ColumnValue]>] = [:]
        for table in CopiedTables.inForeignKeyOrder {
            let columns = try await target.read { db in
                try await TableCatalog.columns(of: table, on: db, engine: .postgres)
            }
            let stored = try await database.read { db in
                try await TableCatalog.rows(of: table, columns: columns, on: db)
            }
            #expect(Set(stored).count == stored.count, "\(table) has duplicate rows")
            rows[table] = Set(stored)
        }
        return rows
    }

    @Test func copiesEveryRowOfEveryTableWithEqualValues() async throws {
        try await Self.withDatabases { migration, source, target in
            let report = try await migration.run()
            #expect(report.isVerified)

            let sourceRows = try await Self.rows(of: source, columnsFrom: target)
            let targetRows = try await Self.rows(of: target, columnsFrom: target)
            for table in CopiedTables.inForeignKeyOrder {
                let expected = try #require(sourceRows[table])
                let copied = try #require(targetRows[table])
                #expect(!expected.isEmpty, "the source's \(table) should not be empty")
                let missing = expected.subtracting(copied).prefix(3)
                let extra = copied.subtracting(expected).prefix(3)
                #expect(expected == copied, "\(table): missing \(Array(missing)), extra \(Array(extra))")
            }
        }
    }

    @Test func newRowsGetTheIDAfterTheHighestCopiedOne() async throws {
        try await Self.withDatabases { migration, source, target in
            _ = try await migration.run()
            func highest(_ table: String) async throws -> Int64 {
                try await source.read { db in
                    try await db.raw("SELECT MAX(id) AS id FROM \(ident: table)").first()!.int64("id")
                }
            }
            let events = InProcessEventBus()
            let chat = ChatService(database: target, events: events)
            let customer = try await UserService(database: target, bcryptCost: 4).createUser(
                name: "After Move", email: "after.move@example.com", role: .customer, password: "long-enough-1")
            let vendor = try await UserService(database: target, bcryptCost: 4).createUser(
                name: "Vendor After", email: "vendor.after@example.com", role: .vendor, password: "long-enough-2")
            let product = try await ProductService(database: target).createProduct(name: "New", vendorID: vendor.id)
            let session = try await chat.createSession(
                productID: product.id, customerID: customer.id, vendorID: vendor.id)
            let message = try await chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "hi")
            try await SignInThrottle(database: target).recordFailure(email: "x@example.com", client: "192.0.2.9")
            let failure = try await target.read { db in
                try await db.raw("SELECT MAX(id) AS id FROM sign_in_failures").first()!.int64("id")
            }

            let users = try await highest("users")
            let products = try await highest("products")
            let sessions = try await highest("chat_sessions")
            let messages = try await highest("chat_messages")
            let failures = try await highest("sign_in_failures")
            #expect(customer.id == users + 1 && vendor.id == users + 2)
            #expect(product.id == products + 1)
            #expect(session.id == sessions + 1)
            #expect(message.id == messages + 1)
            #expect(failure == failures + 1)
        }
    }

    @Test func aTargetHoldingRowsIsRefusedAndLeftAsItWas() async throws {
        try await Self.withDatabases { migration, source, target in
            try await Migrator(database: target, logger: Self.logger).migrate()
            let vendor = try await Fixtures(database: target).user(.vendor)
            _ = try await Fixtures(database: target).product(vendor: vendor)
            let before = try await Self.rows(of: target, columnsFrom: target)

            await #expect(
                throws: DataMigrationError.targetNotEmpty([
                    .init(table: "users", rows: 1), .init(table: "products", rows: 1),
                ])
            ) {
                try await migration.run()
            }
            #expect(try await Self.rows(of: target, columnsFrom: target) == before)
        }
    }

    @Test func aMigratedTargetHoldingOnlyTheMigrationsOwnRowsCountsAsEmpty() async throws {
        try await Self.withDatabases { migration, source, target in
            try await Migrator(database: target, logger: Self.logger).migrate()
            let report = try await migration.run()
            #expect(report.isVerified)
            // The source turned chat off; the copy replaced the migration's default.
            #expect(try await SettingsService(database: target).isChatEnabled() == false)
        }
    }

    @Test func aSourceMissingAMigrationIsRefused() async throws {
        try await Self.withDatabases { migration, source, target in
            let latest = try #require(Migrator.all.last).name
            try await source.write { db in
                try await db.raw("DELETE FROM parley_migrations WHERE name = \(bind: latest)").run()
            }
            await #expect(throws: DataMigrationError.sourceSchemaDiffers(missing: [latest], unknown: [])) {
                try await migration.run()
            }
        }
    }

    @Test func progressEndsEveryTableWithItsSourceRowCount() async throws {
        try await Self.withDatabases { migration, source, target in
            let finished = NIOLockedValueBox<[TableCopyProgress]>([])
            let report = try await migration.run { step in
                if case .copying(let progress) = step, progress.isFinished {
                    finished.withLockedValue { $0.append(progress) }
                }
            }
            let ends = finished.withLockedValue { $0 }
            #expect(ends.map(\.table) == CopiedTables.inForeignKeyOrder)
            #expect(ends.map(\.copiedRows) == report.tables.map(\.sourceRows))
            #expect(ends.allSatisfy { $0.copiedRows == $0.totalRows && $0.tableCount == ends.count })
        }
    }

    @Test func theIndexesAndForeignKeysSetAsideForTheLoadAreBackAsTheMigrationsMadeThem() async throws {
        try await Self.withDatabases { migration, _, target in
            try await Migrator(database: target, logger: Self.logger).migrate()
            let read = { @Sendable in
                try await target.read { db in
                    try await BulkLoadSchema.read(tables: CopiedTables.inForeignKeyOrder, on: db)
                }
            }
            let before = try await read()
            _ = try await migration.run()
            let after = try await read()
            #expect(!before.indexes.isEmpty && !before.foreignKeys.isEmpty)
            #expect(after.indexes == before.indexes)
            #expect(after.foreignKeys == before.foreignKeys)
        }
    }
}
