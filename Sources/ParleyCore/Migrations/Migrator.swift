import Foundation
import Logging
import SQLKit

/// Brings the schema up to date, once, even when several instances start together.
public struct Migrator: Sendable {
    /// Every migration, in the order they apply.
    static let all: [any Migration] = [
        CreateUsers(),
        CreateProducts(),
        CreateChatSessions(),
        CreateChatMessages(),
        CreateSettings(),
        CreateWebSessions(),
        CreateSignInFailures(),
        CreateAPITokens(),
        AddChatMessagesClientMessageID(),
        AddNameSearchKeys(),
        AddTrigramNameIndexes(),
        AddSessionSideFlags(),
        CreateEventLog(),
        CreateNotificationOutbox(),
        AddNotificationPreferences(),
        AddUnreadTotalIndexes(),
        AddModeration(),
        CreateAuditLog(),
    ]

    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Applies the migrations not yet recorded and returns their names.
    ///
    /// Everything runs in one transaction. On PostgreSQL an advisory lock makes a second instance
    /// wait; on SQLite `BEGIN IMMEDIATE` takes the file's write lock, which does the same.
    @discardableResult
    public func migrate() async throws -> [String] {
        // SQLite gives up waiting for its write lock after its busy timeout (10 s), which another
        // instance's migrations on a loaded machine can outlast; keep waiting for a while longer.
        let deadline = ContinuousClock.now + .seconds(120)
        while true {
            do {
                return try await migrateOnce()
            } catch is DatabaseUnreachable where database.engine == .sqlite && ContinuousClock.now < deadline {
                logger.notice("Another instance holds the database while migrating; waiting")
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    private func migrateOnce() async throws -> [String] {
        let engine = database.engine
        return try await database.write { db in
            if let lock = engine.dialect.migrationLock {
                try await db.raw(SQLQueryString(lock)).run()
            }
            try await db.raw(
                """
                CREATE TABLE IF NOT EXISTS parley_migrations (
                    name TEXT PRIMARY KEY,
                    applied_at BIGINT NOT NULL
                )
                """
            ).run()
            let applied = Set(
                try await db.raw("SELECT name FROM parley_migrations").all().map {
                    try $0.decode(column: "name", as: String.self)
                })
            var names: [String] = []
            for migration in Self.all where !applied.contains(migration.name) {
                try await migration.prepare(on: db, engine: engine)
                let now = Date().epochMilliseconds
                try await db.raw(
                    "INSERT INTO parley_migrations (name, applied_at) VALUES (\(bind: migration.name), \(bind: now))"
                ).run()
                names.append(migration.name)
            }
            return names
        }
    }
}
