import Foundation

/// The audit log of administrators' actions: appended to after each action succeeds, listed and
/// filtered for the admin panel. Nothing here changes or removes an entry.
public struct AuditTrail: Sendable {
    let database: Database
    let clock: @Sendable () -> Date

    public init(database: Database, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.clock = clock
    }

    /// Appends one entry in a transaction of its own.
    public func record(_ record: AuditRecord) async throws {
        let now = clock()
        try await database.write { db in try await AuditLogRepository(db).append(record, at: now) }
    }

    /// One page of entries, newest first, and how many match in all.
    public func page(
        _ filter: AuditLogFilter, page: Int, perPage: Int
    ) async throws -> (
        entries: [AuditEntry], total: Int
    ) {
        try await database.read { db in
            let repository = AuditLogRepository(db)
            let entries = try await repository.entries(
                filter, limit: perPage, offset: (max(1, page) - 1) * perPage)
            return (entries, try await repository.count(filter))
        }
    }

    /// Calls `body` with every matching entry, newest first, `batchSize` at a time.
    public func forEachBatch(
        of filter: AuditLogFilter, batchSize: Int = 500, _ body: ([AuditEntry]) async throws -> Void
    ) async throws {
        var last: AuditEntry?
        while true {
            let batch = try await database.read { db in
                try await AuditLogRepository(db).entries(filter, limit: batchSize, after: last)
            }
            if batch.isEmpty { return }
            try await body(batch)
            if batch.count < batchSize { return }
            last = batch.last
        }
    }

    /// Everyone who appears in the log as a signed-in actor, for the administrator filter.
    public func actors() async throws -> [AuditActor] {
        try await database.read { db in try await AuditLogRepository(db).actors() }
    }
}
