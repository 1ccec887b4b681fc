import Foundation
import Logging
import SQLKit

extension Database {
    /// A write transaction that makes events: `body` changes the data and returns the events its
    /// change makes; they are logged in the same transaction (so they exist exactly when the
    /// change does), announced with the commit on the bus's channel, and published once it is done.
    func write<T>(
        publishingTo bus: any ChatEventBus, at now: Date, _ body: (any SQLDatabase) async throws -> (T, [ChatEvent])
    ) async throws -> T {
        try await write(publishingTo: bus, at: now) { db in
            let (result, events) = try await body(db)
            return (result, events, [])
        }
    }

    /// PostgreSQL: a write in one statement and no transaction around it, so no round trips for
    /// `BEGIN` and `COMMIT`. `body` reads what it needs, without locks, and returns its result, its
    /// events, and its statements with a condition that holds while what it read is unchanged;
    /// the statements, each testing the condition, and the events' logging go in one statement.
    ///
    /// Returns nil, having written nothing, when `body` does or when the bus announces nothing (an
    /// in-process bus); throws ``ConcurrentChange``, having written nothing, when the condition
    /// failed. Either way the caller writes the change under locks.
    func writeInOneStatement<T>(
        publishingTo bus: any ChatEventBus, at now: Date,
        _ body: (any SQLDatabase) async throws -> (
            T, [ChatEvent], [(name: String, statement: SQLQueryString)],
            condition: SQLQueryString
        )?
    ) async throws -> T? {
        precondition(engine == .postgres, "SQLite writes in transactions only")
        // The events' logging holds the statements only when it also announces them.
        guard bus.announcementChannel != nil else { return nil }
        let written = try await read { db -> (T, [ChatEvent])? in
            guard let (result, events, statements, condition) = try await body(db) else { return nil }
            guard !events.isEmpty else { return statements.isEmpty ? (result, events) : nil }
            _ = try await EventLogRepository(db).append(
                events, origin: bus.origin, at: now, announcingOn: bus.announcementChannel, after: statements,
                when: condition)
            return (result, events)
        }
        guard let (result, events) = written else { return nil }
        await bus.publish(events)
        return result
    }

    /// The same, where `body` may also return statements not yet run, whose results nothing reads
    /// and that no statement of `body` depends on: they run just before the events are logged, on
    /// PostgreSQL in the same statement, which saves a round trip each.
    func write<T>(
        publishingTo bus: any ChatEventBus, at now: Date,
        _ body: (any SQLDatabase) async throws -> (T, [ChatEvent], [(name: String, statement: SQLQueryString)])
    ) async throws -> T {
        let (result, events) = try await write { db in
            let (result, events, statements) = try await body(db)
            if !events.isEmpty {
                _ = try await EventLogRepository(db).append(
                    events, origin: bus.origin, at: now, announcingOn: bus.announcementChannel, after: statements)
            } else {
                for (_, statement) in statements { try await db.raw(statement).run() }
            }
            return (result, events)
        }
        await bus.publish(events)
        return result
    }
}

extension Database {
    /// The event bus that fits this database: in this process on SQLite, LISTEN/NOTIFY on
    /// PostgreSQL. The PostgreSQL bus hears other instances only while it runs as a service.
    public func makeEventBus(logger: Logger = Logger(label: "parley.events")) -> any ChatEventBus {
        switch engine {
        case .sqlite: InProcessEventBus()
        case .postgres: PostgresEventBus(database: self, logger: logger)
        }
    }
}
