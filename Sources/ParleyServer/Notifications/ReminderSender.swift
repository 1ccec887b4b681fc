import Foundation
import Logging
import NIOConcurrencyHelpers
import ParleyCore
import SQLKit
import ServiceLifecycle

/// Sends the unread reminders that fell due, a round at a time: claims up to ``claimLimit`` with a
/// lease, reads what each would report in one transaction, emails those that are owed side by side,
/// and writes every outcome of the round (reported, moved later, or to be retried) in another
/// transaction, together with the `unread.reminder_due` webhooks of the owed ones. With a hand-off
/// those are written leased to this instance and handed to its webhook sender, as the dispatcher's
/// are, so they go out without waiting to be claimed.
///
/// A reminder is owed when the recipient's oldest unread message since the last reminder has
/// waited the whole delay. Reading the conversation, muting it or a switch turned off in the
/// meantime simply shows up here, when it falls due. The email's Message-ID is derived from what
/// it reports, and the reminder is marked sent only after the server accepted it, so a crash in
/// between sends the same email again rather than losing it.
final class ReminderSender: Service, Sendable {
    /// Reminders claimed per round.
    static let claimLimit = 128
    /// Emails handed to the mail server at the same time.
    static let parallelEmails = 16
    /// Long enough for a round's emails to be handed over (the SMTP client times out sooner).
    static let lease: TimeInterval = 90
    /// The least time between the end of a round and the next look it sets.
    static let pause = Duration.milliseconds(200)
    /// How often the sender looks for due reminders when nothing wakes it.
    static let defaultInterval = Duration.seconds(1)

    /// What a round decided about one claimed reminder.
    private enum Outcome: Sendable {
        /// Not owed now: due again at the date, or not until a newer message arrives.
        case rescheduled(ReminderKey, dueAt: Date?)
        /// The mail server asked to try again later.
        case deferred(ReminderKey, until: Date)
        /// Reported by email or decided without one; an owed one goes to the endpoints too.
        case reported(ReminderDigest, owed: Bool)
    }

    private let database: Database
    private let configuration: NotificationConfiguration
    private let mailer: SMTPClient?
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let onWebhookQueued: @Sendable () -> Void
    /// Takes the `unread.reminder_due` deliveries written already leased to this instance, and the
    /// lease's end, to attempt them at once. Without it every such delivery waits to be claimed.
    private let handOff: (@Sendable ([ClaimedWebhookDelivery], Date) -> Void)?
    private let interval: Duration
    /// Where it runs: ``NotificationThread/shared`` unless a test gives it a thread of its own.
    private let thread: NotificationThread
    private let signal = WakeSignal()
    /// When an early wake is already set for; see ``wake(at:now:)``.
    private let earlyWake = NIOLockedValueBox<Date?>(nil)

    init(
        database: Database, configuration: NotificationConfiguration, mailer: SMTPClient?, logger: Logger,
        clock: @escaping @Sendable () -> Date = { Date() }, interval: Duration = defaultInterval,
        onWebhookQueued: @escaping @Sendable () -> Void = {},
        handOff: (@Sendable ([ClaimedWebhookDelivery], Date) -> Void)? = nil, thread: NotificationThread = .shared
    ) {
        self.thread = thread
        self.handOff = handOff
        self.interval = interval
        self.database = database
        self.configuration = configuration
        self.mailer = mailer
        self.logger = logger
        self.clock = clock
        self.onWebhookQueued = onWebhookQueued
    }

    func wake() {
        signal.wake()
    }

    func run() async throws {
        await withTaskExecutorPreference(thread) {
            await signal.run(every: interval) { [self] in await sendDue() }
        }
    }

    /// Handles every reminder due now, a round at a time; then looks again after ``pause``, or
    /// sets a wake for when the next one falls due before the next regular look.
    func sendDue() async {
        while !Task.isCancelled {
            let now = clock()
            let claimed: [ClaimedReminder]
            let digests: [ReminderDigest?]
            let oldestDue: Date
            do {
                // A read first: most rounds find nothing due, and need not queue for a write.
                let due = try await database.read { db in
                    try await UnreadReminderRepository(db, engine: database.engine).nextDueAt()
                }
                guard let due, due <= now else {
                    if let due { wake(at: due, now: now) }
                    return
                }
                oldestDue = due
                claimed = try await database.write { db in
                    try await UnreadReminderRepository(db, engine: database.engine).claimDue(
                        at: now, limit: Self.claimLimit, leaseUntil: now.addingTimeInterval(Self.lease))
                }
                guard !claimed.isEmpty else { return }
                // Said at the start too: a long round would otherwise tell only at its end.
                thread.noteLateness(now.timeIntervalSince(due), of: .reminderSender, at: now)
                digests = try await database.read { db in
                    try await ReminderDigestQuery(db, engine: database.engine).digests(for: claimed)
                }
            } catch {
                // What was claimed waits for its lease to run out, and is looked at again.
                if !(error is CancellationError) {
                    logger.warning("Could not claim reminders", metadata: ["error": "\(error)"])
                }
                return
            }
            await record(await outcomes(of: claimed, digests: digests, at: now), at: now)
            let done = clock()
            thread.noteLateness(done.timeIntervalSince(oldestDue), of: .reminderSender, at: done)
            guard claimed.count == Self.claimLimit else {
                // What fell due during this round goes in the next, after a short pause rather than
                // at the next regular look; the pause gathers steady traffic into fuller rounds.
                wake(at: done.addingTimeInterval(Self.pause.inSeconds), now: done)
                return
            }
        }
    }

    /// Wakes the sender when the next reminder falls due, when that comes before its next regular
    /// look; one early wake at a time, the soonest.
    private func wake(at due: Date, now: Date) {
        let delay = due.timeIntervalSince(now)
        guard delay > 0, delay < interval.inSeconds else { return }
        let isSoonest = earlyWake.withLockedValue { wake -> Bool in
            if let wake, wake > now, wake <= due { return false }
            wake = due
            return true
        }
        guard isSoonest else { return }
        Task(executorPreference: thread) { [self] in
            try? await Task.sleep(for: .milliseconds(Int64((delay * 1000).rounded(.up)) + 1))
            // Should the look find it not quite due yet, it sets a new wake.
            earlyWake.withLockedValue { wake in if wake == due { wake = nil } }
            signal.wake()
        }
    }

    /// Decides about each claimed reminder, emailing the owed ones (at most ``parallelEmails`` at a
    /// time, since each waits mostly on the mail server).
    private func outcomes(
        of claimed: [ClaimedReminder], digests: [ReminderDigest?], at now: Date
    ) async
        -> [Outcome]
    {
        var outcomes = [Outcome?](repeating: nil, count: claimed.count)
        var emails: [(index: Int, reminder: ClaimedReminder, digest: ReminderDigest)] = []
        for (index, (reminder, digest)) in zip(claimed, digests).enumerated() {
            guard let digest, let oldest = digest.messages.first else {
                // Everything was read, or the conversation is gone.
                outcomes[index] = .rescheduled(reminder.key, dueAt: nil)
                continue
            }
            let dueAt = oldest.createdAt.addingTimeInterval(configuration.reminderDelay.inSeconds)
            if dueAt > now {
                outcomes[index] = .rescheduled(reminder.key, dueAt: dueAt)
                continue
            }
            let owed = digest.isAllowed && !digest.isMuted
            if owed, digest.wantsEmail, mailer != nil {
                emails.append((index, reminder, digest))
            } else {
                outcomes[index] = .reported(digest, owed: owed)
            }
        }
        if let mailer, !emails.isEmpty {
            await withTaskGroup(of: (Int, Outcome).self) { group in
                var queue = emails.makeIterator()
                func startNext() {
                    guard let (index, reminder, digest) = queue.next() else { return }
                    group.addTask { (index, await self.email(digest, for: reminder, with: mailer, at: now)) }
                }
                for _ in 0..<Self.parallelEmails { startNext() }
                for await (index, outcome) in group {
                    outcomes[index] = outcome
                    startNext()
                }
            }
        }
        return outcomes.map { $0! }
    }

    /// Emails one owed reminder.
    private func email(
        _ digest: ReminderDigest, for reminder: ClaimedReminder, with mailer: SMTPClient, at now: Date
    )
        async -> Outcome
    {
        do {
            let email = try ReminderEmail(digest: digest, publicURL: configuration.publicURL)
                .message(from: mailer.configuration.from, at: now)
            try await mailer.send(email)
        } catch let error as SMTPError where error.isTransient {
            logger.notice(
                "Reminder email deferred", metadata: ["session": "\(digest.key.sessionID)", "error": "\(error)"])
            let retryAt = now.addingTimeInterval(configuration.retryDelay(afterAttempt: reminder.attempt).inSeconds)
            return .deferred(digest.key, until: retryAt)
        } catch {
            // Refused for good (a bad address, say): reported as sent so it is not retried forever.
            logger.warning(
                "Reminder email refused", metadata: ["session": "\(digest.key.sessionID)", "error": "\(error)"])
        }
        return .reported(digest, owed: true)
    }

    /// Writes a round's outcomes in one transaction. Should that fail, each is written alone, so
    /// one that cannot be written does not hold back the others; one that fails alone waits for
    /// its lease to run out and is looked at again.
    private func record(_ outcomes: [Outcome], at now: Date) async {
        guard !outcomes.isEmpty else { return }
        let lease = handOff == nil ? nil : configuration.webhookLease(from: now)
        do {
            let queued = try await database.write { db in
                try await self.write(outcomes, at: now, leaseUntil: lease, on: db)
            }
            if let handOff, let lease, !queued.leased.isEmpty { handOff(queued.leased, lease) }
            if queued.made > 0 { onWebhookQueued() }
        } catch  where outcomes.count > 1 && !(error is CancellationError) {
            for outcome in outcomes { await record([outcome], at: now) }
        } catch {
            if !(error is CancellationError) {
                logger.warning("Could not record a reminder", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Returns the webhook deliveries queued, those leased until `lease` among them.
    private func write(
        _ outcomes: [Outcome], at now: Date, leaseUntil lease: Date?, on db: any SQLDatabase
    ) async throws -> WebhookEnqueueResult {
        let engine = database.engine
        let reminders = UnreadReminderRepository(db, engine: engine)
        try await reminders.lockInKeyOrder(
            outcomes.map { outcome in
                switch outcome {
                case .rescheduled(let key, _), .deferred(let key, _): key
                case .reported(let digest, _): digest.key
                }
            })
        var reported: [(key: ReminderKey, through: Int64)] = []
        var owed: [ReminderDigest] = []
        for outcome in outcomes {
            switch outcome {
            case .rescheduled(let key, let dueAt): try await reminders.reschedule(key, dueAt: dueAt)
            case .deferred(let key, let retryAt): try await reminders.retryLater(key, at: retryAt)
            case .reported(let digest, let isOwed):
                reported.append((digest.key, digest.throughMessageID))
                if isOwed { owed.append(digest) }
            }
        }
        try await reminders.markReported(reported, at: now)
        guard !owed.isEmpty else { return WebhookEnqueueResult() }
        let endpoints = try await WebhookEndpointRepository(db).enabled().filter { $0.wants(.unreadReminderDue) }
        guard !endpoints.isEmpty else { return WebhookEnqueueResult() }
        return try await WebhookDeliveryRepository(db, engine: engine).enqueue(
            owed.map { (WebhookPayload.reminderDue($0, at: now), endpoints) }, at: now,
            retryingFor: configuration.webhookRetryWindow, leaseUntil: lease, chainLimit: WebhookSender.chainLimit)
    }
}
