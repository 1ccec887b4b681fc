import Foundation
import Logging
import ParleyCore
import ServiceLifecycle

/// Sends the unread reminders that fell due: claims them with a lease, reads what each would
/// report, and either emails it (and queues `unread.reminder_due` for the endpoints that want it),
/// finds it is not owed after all, or moves it later.
///
/// A reminder is owed when the recipient's oldest unread message since the last reminder has
/// waited the whole delay. Reading the conversation, muting it or a switch turned off in the
/// meantime simply shows up here, when it falls due. The email's Message-ID is derived from what
/// it reports, and the reminder is marked sent only after the server accepted it, so a crash in
/// between sends the same email again rather than losing it.
final class ReminderSender: Service, Sendable {
    /// Reminders claimed per round.
    static let claimLimit = 32
    /// Long enough for one email to be handed over (the SMTP client times out sooner).
    static let lease: TimeInterval = 90

    private let database: Database
    private let configuration: NotificationConfiguration
    private let mailer: SMTPClient?
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let onWebhookQueued: @Sendable () -> Void
    private let signal = WakeSignal()

    init(
        database: Database, configuration: NotificationConfiguration, mailer: SMTPClient?, logger: Logger,
        clock: @escaping @Sendable () -> Date = { Date() }, onWebhookQueued: @escaping @Sendable () -> Void = {}
    ) {
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
        await withTaskExecutorPreference(NotificationThread.shared) {
            await signal.run(every: .seconds(1)) { [self] in await sendDue() }
        }
    }

    /// Handles every reminder due now.
    func sendDue() async {
        while !Task.isCancelled {
            let now = clock()
            let claimed: [ClaimedReminder]
            do {
                // A read first: most rounds find nothing due, and need not queue for a write.
                let due = try await database.read { db in
                    try await UnreadReminderRepository(db, engine: database.engine).nextDueAt()
                }
                guard let due, due <= now else { return }
                claimed = try await database.write { db in
                    try await UnreadReminderRepository(db, engine: database.engine).claimDue(
                        at: now, limit: Self.claimLimit, leaseUntil: now.addingTimeInterval(Self.lease))
                }
            } catch {
                if !(error is CancellationError) {
                    logger.warning("Could not claim reminders", metadata: ["error": "\(error)"])
                }
                return
            }
            // Each waits mostly on the mail server, so a round's reminders go out side by side.
            await withTaskGroup(of: Void.self) { group in
                for reminder in claimed {
                    group.addTask {
                        do {
                            try await self.handle(reminder)
                        } catch {
                            // The lease runs out and the reminder is looked at again.
                            self.logger.warning(
                                "Could not send a reminder",
                                metadata: ["session": "\(reminder.key.sessionID)", "error": "\(error)"])
                        }
                    }
                }
            }
            guard claimed.count == Self.claimLimit else { return }
        }
    }

    private func handle(_ reminder: ClaimedReminder) async throws {
        let now = clock()
        let engine = database.engine
        let key = reminder.key
        let digest = try await database.read { db in try await ReminderDigestQuery(db).digest(for: reminder) }
        guard let digest, let oldest = digest.messages.first else {
            // Everything was read, or the conversation is gone.
            try await database.write { db in
                try await UnreadReminderRepository(db, engine: engine).reschedule(key, dueAt: nil)
            }
            return
        }
        let dueAt = oldest.createdAt.addingTimeInterval(configuration.reminderDelay.inSeconds)
        if dueAt > now {
            try await database.write { db in
                try await UnreadReminderRepository(db, engine: engine).reschedule(key, dueAt: dueAt)
            }
            return
        }
        let owed = digest.isAllowed && !digest.isMuted
        if owed, digest.wantsEmail, let mailer {
            do {
                let email = try ReminderEmail(digest: digest, publicURL: configuration.publicURL)
                    .message(from: mailer.configuration.from, at: now)
                try await mailer.send(email)
            } catch let error as SMTPError where error.isTransient {
                let retryAt = now.addingTimeInterval(configuration.retryDelay(afterAttempt: reminder.attempt).inSeconds)
                try await database.write { db in
                    try await UnreadReminderRepository(db, engine: engine).retryLater(key, at: retryAt)
                }
                logger.notice(
                    "Reminder email deferred", metadata: ["session": "\(key.sessionID)", "error": "\(error)"])
                return
            } catch {
                // Refused for good (a bad address, say): reported as sent so it is not retried forever.
                logger.warning(
                    "Reminder email refused", metadata: ["session": "\(key.sessionID)", "error": "\(error)"])
            }
        }
        let queued = try await database.write { db -> Bool in
            try await UnreadReminderRepository(db, engine: engine).markReported(
                key, through: digest.throughMessageID, at: now)
            guard owed else { return false }
            let endpoints = try await WebhookEndpointRepository(db).enabled()
                .filter { $0.wants(.unreadReminderDue) }
            return try await WebhookDeliveryRepository(db, engine: engine).enqueue(
                WebhookPayload.reminderDue(digest, at: now), to: endpoints, at: now,
                retryingFor: configuration.webhookRetryWindow
            ).made > 0
        }
        if queued { onWebhookQueued() }
    }
}
