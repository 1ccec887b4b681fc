import Foundation
import Logging
import ParleyCore
import ServiceLifecycle
import SQLKit

/// Reads the event log after `outbox_cursor` and decides, in the same transaction that moves the
/// cursor, what each event owes the outside world: a webhook delivery per endpoint that wants it,
/// and an unread reminder's due time for a new message (or its end, once read).
///
/// Sends never wait for this: it runs beside them, woken by the bus and once a second. Every
/// committed change is considered exactly once, whatever crashes, and a rolled-back change never
/// reaches the log. With several instances, the cursor's row lock lets one dispatch at a time;
/// the others pass (`SKIP LOCKED`) and try again when next woken.
final class OutboxDispatcher: Service, Sendable {
    /// Log entries read per transaction.
    static let batchLimit = 500

    private let database: Database
    private let events: any ChatEventBus
    private let configuration: NotificationConfiguration
    /// Whether reminders can go out by email; when not, they are still scheduled for endpoints
    /// that want `unread.reminder_due`.
    private let emailEnabled: Bool
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let signal = WakeSignal()
    /// Woken once deliveries or reminders may have become due.
    private let onDispatched: @Sendable () -> Void

    init(
        database: Database, events: any ChatEventBus, configuration: NotificationConfiguration, emailEnabled: Bool,
        logger: Logger, clock: @escaping @Sendable () -> Date = { Date() },
        onDispatched: @escaping @Sendable () -> Void = {}
    ) {
        self.database = database
        self.events = events
        self.configuration = configuration
        self.emailEnabled = emailEnabled
        self.logger = logger
        self.clock = clock
        self.onDispatched = onDispatched
    }

    func run() async throws {
        let chatEvents = events.subscribe(bufferSize: 16, from: .everyInstance)
        let signal = self.signal
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in chatEvents { signal.wake() }
            }
            await signal.run(every: .seconds(1)) { [self] in await dispatchAvailable() }
            group.cancelAll()
        }
    }

    private func dispatchAvailable() async {
        do {
            var total = 0
            while true {
                let count = try await dispatchOnce()
                total += count
                guard count == Self.batchLimit else { break }
            }
            if total > 0 { onDispatched() }
        } catch is CancellationError {
        } catch {
            logger.warning("Could not dispatch notifications", metadata: ["error": "\(error)"])
        }
    }

    /// Considers the next batch of logged events; returns how many it read (0 when another
    /// instance holds the cursor or nothing is new).
    @discardableResult
    func dispatchOnce() async throws -> Int {
        let now = clock()
        let engine = database.engine
        // A read first: when nothing new was logged, no write transaction is needed.
        let behind = try await database.read { db in
            try await OutboxCursorRepository(db, engine: engine).position() < EventLogRepository(db).head()
        }
        guard behind else { return 0 }
        return try await database.write { db in
            let cursor = OutboxCursorRepository(db, engine: engine)
            guard let position = try await cursor.lockForDispatch() else { return 0 }
            let entries = try await EventLogRepository(db).entries(after: position, limit: Self.batchLimit)
            guard let last = entries.last else { return 0 }
            let endpoints = try await WebhookEndpointRepository(db).enabled()
            try await enqueueWebhooks(for: entries, endpoints: endpoints, on: db, at: now)
            if try await remindersWanted(endpoints: endpoints, on: db) {
                try await UnreadReminderRepository(db, engine: engine).apply(reminderChanges(for: entries))
            }
            try await cursor.advance(to: last.position)
            return entries.count
        }
    }

    private func enqueueWebhooks(
        for entries: [LoggedEvent], endpoints: [WebhookEndpoint], on db: any SQLDatabase, at now: Date
    ) async throws {
        guard !endpoints.isEmpty else { return }
        let engine = database.engine
        let wanted = entries.compactMap { entry -> (LoggedEvent, [Int64])? in
            guard let type = WebhookEventType(entry.event) else { return nil }
            let ids = endpoints.filter { $0.wants(type) }.map(\.id)
            return ids.isEmpty ? nil : (entry, ids)
        }
        guard !wanted.isEmpty else { return }
        // Each new message's recipient, with their unread total and devices: two queries a batch.
        var recipientIDs: Set<Int64> = []
        for (entry, _) in wanted {
            if case .messageCreated(let message, let session) = entry.event {
                recipientIDs.insert(session.participantID(message.senderRole.counterpart))
            }
        }
        let ids = Array(recipientIDs)
        let totals = try await ChatSessionRepository(db, engine: engine).unreadTotals(for: ids)
        let devices = ids.isEmpty ? [:] : try await DeviceRepository(db).tokens(forUserIDs: ids)
        let batch = wanted.compactMap { entry, endpointIDs -> (event: OutgoingWebhookEvent, endpointIDs: [Int64])? in
            var recipient: WebhookPayload.Recipient?
            if case .messageCreated(let message, let session) = entry.event {
                let userID = session.participantID(message.senderRole.counterpart)
                recipient = WebhookPayload.Recipient(
                    userID: userID, unreadTotal: totals[userID] ?? 0,
                    devices: (devices[userID] ?? []).map { ($0.platform.rawValue, $0.token) })
            }
            return WebhookPayload.event(for: entry, recipient: recipient).map { ($0, endpointIDs) }
        }
        try await WebhookDeliveryRepository(db, engine: engine).enqueue(
            batch, at: now, retryingFor: configuration.webhookRetryWindow)
    }

    /// Reminders are scheduled while the marketplace has them on and someone can hear them.
    private func remindersWanted(endpoints: [WebhookEndpoint], on db: any SQLDatabase) async throws -> Bool {
        guard emailEnabled || endpoints.contains(where: { $0.wants(.unreadReminderDue) }) else { return false }
        return try await SettingsRepository(db).value(for: SettingsRepository.emailRemindersEnabledKey) != "false"
    }

    /// Per recipient and session, what the batch's events mean for their reminder, in order.
    func reminderChanges(for entries: [LoggedEvent]) -> [ReminderKey: ReminderChange] {
        var changes: [ReminderKey: ReminderChange] = [:]
        func record(_ key: ReminderKey, _ change: ReminderChange) {
            changes[key] = changes[key].map { $0.then(change) } ?? change
        }
        for entry in entries {
            switch entry.event {
            case .messageCreated(let message, let session):
                let recipient = session.participantID(message.senderRole.counterpart)
                record(
                    ReminderKey(sessionID: session.id, userID: recipient),
                    .schedule(
                        dueAt: message.createdAt.addingTimeInterval(configuration.reminderDelay.inSeconds),
                        restart: false))
            case .messagesRead(let session, _, _, _):
                for role in [ParticipantRole.customer, .vendor]
                where session.unreadCount(for: session.participantID(role)) == 0 {
                    record(ReminderKey(sessionID: session.id, userID: session.participantID(role)), .cancel)
                }
            default:
                continue
            }
        }
        return changes
    }
}
