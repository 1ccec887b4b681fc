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
    /// The least time between two looks at the log: under steady traffic the events of that time
    /// are dispatched in one transaction instead of one each (measured: 182 transactions in 5 s at
    /// 2,000 sends/s without it).
    static let pause = Duration.milliseconds(50)

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
    /// Takes the deliveries written already leased to this instance, and the lease's end, to attempt
    /// them at once. Without it every delivery waits to be claimed.
    private let handOff: (@Sendable ([ClaimedWebhookDelivery], Date) -> Void)?
    /// Where it runs: ``NotificationThread/shared`` unless a test gives it a thread of its own.
    private let thread: NotificationThread

    init(
        database: Database, events: any ChatEventBus, configuration: NotificationConfiguration, emailEnabled: Bool,
        logger: Logger, clock: @escaping @Sendable () -> Date = { Date() },
        onDispatched: @escaping @Sendable () -> Void = {},
        handOff: (@Sendable ([ClaimedWebhookDelivery], Date) -> Void)? = nil, thread: NotificationThread = .shared
    ) {
        self.thread = thread
        self.database = database
        self.events = events
        self.configuration = configuration
        self.emailEnabled = emailEnabled
        self.logger = logger
        self.clock = clock
        self.onDispatched = onDispatched
        self.handOff = handOff
    }

    func run() async throws {
        let chatEvents = events.subscribe(bufferSize: 16, from: .everyInstance)
        let signal = self.signal
        await withTaskExecutorPreference(thread) {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in chatEvents { signal.wake() }
                }
                await signal.run(every: .seconds(1), pausingAfterEachRun: Self.pause) { [self] in
                    await dispatchAvailable()
                }
                group.cancelAll()
            }
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

    /// What one batch of the log owes, worked out before any lock is taken.
    private struct Plan {
        var after: Int64
        var through: Int64
        var count: Int
        var webhooks: [(event: OutgoingWebhookEvent, endpointIDs: [Int64])]
        var reminders: [ReminderKey: ReminderChange]
        /// When the batch's oldest event was logged; nil when the events were not read.
        var oldest: Date? = nil
    }

    /// Considers the next batch of logged events; returns how many it read (0 when another
    /// instance holds the cursor or moved it meanwhile, or nothing is new).
    ///
    /// The reading, decoding and payload building happen outside the write transaction, which
    /// then only writes the rows and moves the cursor: on SQLite every write waits for the one
    /// writer, sends included, so the transaction is kept short. It checks the cursor has not moved
    /// since the plan was made, and drops deliveries to endpoints switched off meanwhile.
    ///
    /// With a hand-off, the deliveries of a session with none pending before them are written
    /// leased and handed over after the commit: the usual path to a receiver then costs this transaction
    /// and the outcome's, with no claim between them.
    @discardableResult
    func dispatchOnce() async throws -> Int {
        let now = clock()
        let engine = database.engine
        guard let plan = try await database.read({ db in try await plan(on: db) }) else { return 0 }
        let lease = handOff == nil ? nil : configuration.webhookLease(from: now)
        let (count, leased) = try await database.write { db -> (Int, [ClaimedWebhookDelivery]) in
            let cursor = OutboxCursorRepository(db, engine: engine)
            guard try await cursor.lockForDispatch() == plan.after else { return (0, []) }
            // Reminders first: the enqueue's lock comes last in every writer, as in the reminder sender.
            if !plan.reminders.isEmpty {
                try await UnreadReminderRepository(db, engine: engine).apply(plan.reminders)
            }
            var leased: [ClaimedWebhookDelivery] = []
            if !plan.webhooks.isEmpty {
                let enabled = Dictionary(
                    uniqueKeysWithValues: try await WebhookEndpointRepository(db).enabled().map { ($0.id, $0) })
                let webhooks = plan.webhooks.map { ($0.event, $0.endpointIDs.compactMap { enabled[$0] }) }
                leased = try await WebhookDeliveryRepository(db, engine: engine).enqueue(
                    webhooks, at: now, retryingFor: configuration.webhookRetryWindow, leaseUntil: lease,
                    chainLimit: WebhookSender.chainLimit
                ).leased
            }
            try await cursor.advance(to: plan.through)
            return (plan.count, leased)
        }
        if let handOff, let lease, !leased.isEmpty { handOff(leased, lease) }
        if count > 0, let oldest = plan.oldest {
            let done = clock()
            thread.noteLateness(done.timeIntervalSince(oldest), of: .dispatcher, at: done)
        }
        return count
    }

    /// Reads the batch after the cursor and decides what it owes; nil when nothing is new.
    ///
    /// With no endpoint enabled and no reminder wanted, no event owes anything: the plan moves the
    /// cursor to the head without reading (or decoding) the events in between.
    private func plan(on db: any SQLDatabase) async throws -> Plan? {
        let after = try await OutboxCursorRepository(db, engine: database.engine).position()
        let log = EventLogRepository(db)
        let head = try await log.head()
        guard head > after else { return nil }
        let endpoints = try await WebhookEndpointRepository(db).enabled()
        let remindersWanted = try await remindersWanted(endpoints: endpoints, on: db)
        guard !endpoints.isEmpty || remindersWanted else {
            return Plan(after: after, through: head, count: Int(head - after), webhooks: [], reminders: [:])
        }
        let entries = try await log.entries(after: after, limit: Self.batchLimit)
        guard let last = entries.last else { return nil }
        return Plan(
            after: after, through: last.position, count: entries.count,
            webhooks: try await webhooks(for: entries, endpoints: endpoints, on: db),
            reminders: remindersWanted ? reminderChanges(for: entries) : [:], oldest: entries.first?.createdAt)
    }

    private func webhooks(
        for entries: [LoggedEvent], endpoints: [WebhookEndpoint], on db: any SQLDatabase
    ) async throws -> [(event: OutgoingWebhookEvent, endpointIDs: [Int64])] {
        guard !endpoints.isEmpty else { return [] }
        let engine = database.engine
        let wanted = entries.compactMap { entry -> (LoggedEvent, [Int64])? in
            guard let type = WebhookEventType(entry.event) else { return nil }
            let ids = endpoints.filter { $0.wants(type) }.map(\.id)
            return ids.isEmpty ? nil : (entry, ids)
        }
        guard !wanted.isEmpty else { return [] }
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
        return wanted.compactMap { entry, endpointIDs -> (event: OutgoingWebhookEvent, endpointIDs: [Int64])? in
            var recipient: WebhookPayload.Recipient?
            if case .messageCreated(let message, let session) = entry.event {
                let userID = session.participantID(message.senderRole.counterpart)
                recipient = WebhookPayload.Recipient(
                    userID: userID, unreadTotal: totals[userID] ?? 0,
                    devices: (devices[userID] ?? []).map { ($0.platform.rawValue, $0.token) })
            }
            return WebhookPayload.event(for: entry, recipient: recipient).map { ($0, endpointIDs) }
        }
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
