import Foundation
import Logging
import ServiceLifecycle

/// Deletes events older than ``retention`` from the event log once the notification outbox has
/// read them, and finished webhook deliveries after a week, once a minute.
///
/// The log serves instances that lost their listening connection for a while; clients catch up
/// from the messages themselves (`after=`), so an hour is plenty. With several instances each
/// prunes; the deletes are idempotent.
public struct EventLogPruner: Service {
    public static let retention: Duration = .seconds(3600)
    static let interval: Duration = .seconds(60)
    /// Rows deleted per statement, so a long backlog does not make one long transaction.
    static let chunk = 10_000

    let database: Database
    let logger: Logger
    let clock: @Sendable () -> Date

    public init(database: Database, logger: Logger, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.logger = logger
        self.clock = clock
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.interval)
                guard !Task.isCancelled else { return }
                do {
                    _ = try await pruneOnce()
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("Could not prune the event log", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Finished webhook deliveries stay this long, for the admin page's history.
    public static let deliveryRetention: TimeInterval = 7 * 86_400

    /// Deletes what is past the retention now; returns how many events.
    public func pruneOnce() async throws -> Int {
        let engine = database.engine
        let deliveryCutoff = clock().addingTimeInterval(-Self.deliveryRetention)
        try await database.write { db in
            try await WebhookDeliveryRepository(db, engine: engine).prune(completedBefore: deliveryCutoff)
        }
        let cutoff = clock().addingTimeInterval(-Double(Self.retention.components.seconds))
        var total = 0
        while true {
            let deleted = try await database.write { db in
                try await EventLogRepository(db).prune(before: cutoff, limit: Self.chunk)
            }
            total += deleted
            guard deleted == Self.chunk else { return total }
        }
    }
}
