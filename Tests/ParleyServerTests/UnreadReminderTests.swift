import Foundation
import Glibc
import Logging
import NIOConcurrencyHelpers
@testable import ParleyCore
@testable import ParleyServer
import ParleyTestSupport
import Testing

/// Unread reminders (issue 11): the dispatcher sets due times from the event log, the sender
/// decides at the due time what is owed and emails it to a real SMTP server (aiosmtpd) on loopback.
/// The test moves the clock by hand, so the ten-minute delay costs nothing. One test at a time: each
/// starts a Python SMTP server, and many starting at once starve the timing tests of other suites.
@Suite("Unread reminders", .serialized)
struct UnreadReminderTests {
    static let delay: TimeInterval = 600

    struct Rig: Sendable {
        let context: ChatTestContext
        let clock: ManualClock
        let dispatcher: OutboxDispatcher
        let sender: ReminderSender
        let sink: SMTPSink
        let webhooks: WebhookService

        /// Dispatches what was logged, then sends what is due at the clock's time.
        func settle() async throws {
            while try await dispatcher.dispatchOnce() > 0 {}
            await sender.sendDue()
        }

        /// Moves the clock past the delay after the present moment, and settles. (Messages are
        /// stamped with the real time, which a busy machine moves on by seconds within a test.)
        func waitOutTheDelay() async throws {
            clock.set(Date().addingTimeInterval(UnreadReminderTests.delay + 1))
            try await settle()
        }

        /// Sets the clock `offset` seconds from when `message` became due, and settles.
        func settle(_ offset: TimeInterval, afterDue message: ChatMessage) async throws {
            clock.set(message.createdAt.addingTimeInterval(UnreadReminderTests.delay + offset))
            try await settle()
        }

        var mail: [SMTPSink.Received] { (try? sink.received()) ?? [] }
    }

    static func run(_ body: @Sendable (Rig) async throws -> Void) async throws {
        try await ChatTestContext.run { context in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "parley-reminders-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try await SMTPSink.with(in: directory) { sink in
                let clock = ManualClock(start: Date())
                var configuration = NotificationConfiguration()
                configuration.reminderDelay = .seconds(Int64(delay))
                configuration.publicURL = "https://chat.example.com"
                let smtp = try #require(
                    try SMTPConfiguration.fromEnvironment([
                        "SMTP_URL": "smtp://127.0.0.1:\(sink.port)", "SMTP_FROM": "Parley <reminders@example.com>",
                    ]))
                let logger = Logger(label: "reminders")
                let rig = Rig(
                    context: context, clock: clock,
                    dispatcher: OutboxDispatcher(
                        database: context.database, events: context.events, configuration: configuration,
                        emailEnabled: true, logger: logger, clock: clock.read),
                    sender: ReminderSender(
                        database: context.database, configuration: configuration,
                        mailer: try SMTPClient(configuration: smtp), logger: logger, clock: clock.read),
                    sink: sink,
                    webhooks: WebhookService(
                        database: context.database, configuration: configuration, clock: clock.read))
                try await body(rig)
            }
        }
    }

    @Test func aMessageLeftUnreadForTheDelayIsEmailedToItsRecipient() async throws {
        try await Self.run { rig in
            let (customer, vendor, product, session) = try await rig.context.fixtures.conversation(
                chat: rig.context.chat)
            let message = try await rig.context.chat.sendMessage(
                sessionID: session.id, senderID: customer.id, body: "Is the oak table still <script>x</script>?")
            try await rig.settle()
            #expect(rig.mail.isEmpty)
            try await rig.settle(-5, afterDue: message)
            #expect(rig.mail.isEmpty)
            try await rig.settle(5, afterDue: message)
            let mail = try #require(rig.mail.only)
            #expect(mail.rcptTos == [vendor.email])
            #expect(mail.mailFrom == "reminders@example.com")
            #expect(mail.subject.contains(product.name) && mail.subject.contains(customer.name))
            #expect(
                mail.messageId
                    == "<reminder.\(session.id).\(vendor.id).\(try await Self.lastMessageID(rig))@chat.example.com>")
            let text = try #require(mail.parts.first { $0.contentType == "text/plain" }?.text)
            let html = try #require(mail.parts.first { $0.contentType == "text/html" }?.text)
            #expect(text.contains("Is the oak table still <script>x</script>?"))
            #expect(text.contains("https://chat.example.com/chat?session=\(session.id)"))
            #expect(html.contains("&lt;script&gt;x&lt;/script&gt;") && !html.contains("<script>"))
            #expect(html.contains("href=\"https://chat.example.com/chat?session=\(session.id)\""))
            #expect(mail.headers.contains { $0 == ["Auto-Submitted", "auto-generated"] })
            #expect(mail.defects.isEmpty)
        }
    }

    @Test func aReminderQuotesAMessageWithItsContactDetailsHidden() async throws {
        try await Self.run { rig in
            try await SettingsService(database: rig.context.database).setContactDetailPolicy(.hide)
            let (customer, _, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
            let message = try await rig.context.chat.sendMessage(
                sessionID: session.id, senderID: customer.id, body: "write to me at jo.smith@example.org")
            try await rig.settle(5, afterDue: message)
            let mail = try #require(rig.mail.only)
            let text = try #require(mail.parts.first { $0.contentType == "text/plain" }?.text)
            let html = try #require(mail.parts.first { $0.contentType == "text/html" }?.text)
            #expect(text.contains("write to me at \(ContactDetailDetector.redaction)"))
            #expect(!text.contains("jo.smith") && !html.contains("jo.smith"))
        }
    }

    static func lastMessageID(_ rig: Rig) async throws -> Int64 {
        try await rig.context.database.read { db in
            try await db.raw("SELECT MAX(id) AS id FROM chat_messages").first()?.decode(column: "id", as: Int64.self)
        } ?? 0
    }

    @Test func messagesWithinTheWindowJoinOneEmail() async throws {
        try await Self.run { rig in
            let (customer, _, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
            for body in ["first question", "second question", "third question"] {
                _ = try await rig.context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: body)
                try await rig.settle()
            }
            try await rig.waitOutTheDelay()
            let mail = try #require(rig.mail.only)
            let text = mail.parts.first { $0.contentType == "text/plain" }?.text ?? ""
            #expect(["first question", "second question", "third question"].allSatisfy(text.contains))
            #expect(mail.subject.hasPrefix("3 unread messages"))
        }
    }

    @Test func aLongBacklogListsTheOldestAndCountsTheRest() async throws {
        try await Self.run { rig in
            let (customer, _, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
            let total = ReminderDigestQuery.shownLimit + 5
            for index in 1...total {
                _ = try await rig.context.chat.sendMessage(
                    sessionID: session.id, senderID: customer.id, body: "question number \(index).")
            }
            try await rig.waitOutTheDelay()
            let mail = try #require(rig.mail.only)
            let text = mail.parts.first { $0.contentType == "text/plain" }?.text ?? ""
            #expect(mail.subject.hasPrefix("\(total) unread messages"))
            #expect(text.contains("question number \(ReminderDigestQuery.shownLimit)."))
            #expect(!text.contains("question number \(ReminderDigestQuery.shownLimit + 1)."))
            #expect(text.contains("… and 5 more."))
            // The Message-ID names the newest message, shown or not, so the next email waits for a newer one.
            #expect(mail.messageId.contains(".\(try await Self.lastMessageID(rig))@"))
            try await rig.waitOutTheDelay()
            #expect(rig.mail.count == 1)
        }
    }

    @Test func readingTheConversationBeforeTheDelayMeansNoEmail() async throws {
        try await Self.run { rig in
            let (customer, vendor, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
            _ = try await rig.context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "hello")
            try await rig.settle()
            rig.clock.advance(60)
            _ = try await rig.context.chat.markRead(sessionID: session.id, readerID: vendor.id)
            try await rig.waitOutTheDelay()
            #expect(rig.mail.isEmpty)
        }
    }

    @Test func aMessageAfterReadingWaitsTheWholeDelayAgain() async throws {
        try await Self.run { rig in
            let (customer, vendor, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
            _ = try await rig.context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "one")
            try await rig.settle()
            _ = try await rig.context.chat.markRead(sessionID: session.id, readerID: vendor.id)
            let two = try await rig.context.chat.sendMessage(
                sessionID: session.id, senderID: customer.id, body: "two")
            try await rig.settle()
            try await rig.settle(-30, afterDue: two)
            #expect(rig.mail.isEmpty)
            try await rig.settle(10, afterDue: two)
            let text = try #require(rig.mail.only?.parts.first { $0.contentType == "text/plain" }?.text)
            #expect(text.contains("two") && !text.contains("  one"))
        }
    }

    @Test func afterAnEmailTheNextOneWaitsForANewerMessage() async throws {
        try await Self.run { rig in
            let (customer, _, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
            _ = try await rig.context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "one")
            try await rig.waitOutTheDelay()
            try await rig.waitOutTheDelay()
            #expect(rig.mail.count == 1)
            let two = try await rig.context.chat.sendMessage(
                sessionID: session.id, senderID: customer.id, body: "two")
            try await rig.settle(-1, afterDue: two)
            #expect(rig.mail.count == 1)
            try await rig.settle(1, afterDue: two)
            #expect(rig.mail.count == 2)
            let second = try #require(rig.mail.last?.parts.first { $0.contentType == "text/plain" }?.text)
            #expect(second.contains("two") && !second.contains("  one"))
        }
    }

    @Test func aMutedConversationGetsNoReminder() async throws {
        try await Self.run { rig in
            let (customer, vendor, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
            try await NotificationPreferenceService(database: rig.context.database).setMuted(
                true, sessionID: session.id, by: vendor)
            _ = try await rig.context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "hi")
            try await rig.waitOutTheDelay()
            #expect(rig.mail.isEmpty)
        }
    }

    @Test func aUserWhoTurnedEmailRemindersOffGetsNone() async throws {
        try await Self.run { rig in
            let (customer, vendor, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
            _ = try await NotificationPreferenceService(database: rig.context.database).update(
                emailReminders: false, for: vendor)
            _ = try await rig.context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "hi")
            try await rig.waitOutTheDelay()
            #expect(rig.mail.isEmpty)
        }
    }

    @Test func administratorsTurningRemindersOffStopsThemForEveryone() async throws {
        try await Self.run { rig in
            let (customer, _, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
            _ = try await rig.context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "hi")
            try await rig.settle()
            try await SettingsService(database: rig.context.database, events: rig.context.events)
                .setEmailRemindersEnabled(false)
            try await rig.waitOutTheDelay()
            #expect(rig.mail.isEmpty)
        }
    }

    @Test func chatSwitchedOffMeansNoReminders() async throws {
        try await Self.run { rig in
            let (customer, _, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
            _ = try await rig.context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "hi")
            try await rig.settle()
            try await SettingsService(database: rig.context.database, events: rig.context.events)
                .setChatEnabled(false)
            try await rig.waitOutTheDelay()
            #expect(rig.mail.isEmpty)
        }
    }

    @Test func aDueReminderIsAlsoAWebhookEventQueuedOnce() async throws {
        try await Self.run { rig in
            let endpoint = try await rig.webhooks.add(url: "http://127.0.0.1:9/hook", events: "unread.reminder_due")
            let (customer, vendor, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
            _ = try await rig.context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "hi")
            try await rig.waitOutTheDelay()
            try await rig.waitOutTheDelay()
            let deliveries = try await rig.webhooks.recentDeliveries(endpointID: endpoint.id)
            #expect(deliveries.map(\.eventType) == ["unread.reminder_due"])
            let body = try await rig.context.database.read { db in
                try await db.raw("SELECT body FROM webhook_events").first()?.decode(column: "body", as: String.self)
            }
            let json = try #require(try JSONSerialization.jsonObject(with: Data((body ?? "").utf8)) as? [String: Any])
            let data = try #require(json["data"] as? [String: Any])
            #expect(data["user_id"] as? Int == Int(vendor.id))
            #expect(data["chat_session_id"] as? Int == Int(session.id))
            #expect(data["unread_count"] as? Int == 1)
        }
    }

    @Test func aDueRemindersWebhookIsHandedToTheWebhookSenderLeasedInsteadOfWaitingForAClaim() async throws {
        try await Self.run { rig in
            let endpoint = try await rig.webhooks.add(url: "http://127.0.0.1:9/hook", events: "unread.reminder_due")
            var configuration = NotificationConfiguration()
            configuration.reminderDelay = .seconds(Int64(Self.delay))
            let handed = NIOLockedValueBox<[(delivery: ClaimedWebhookDelivery, leaseUntil: Date)]>([])
            let sender = ReminderSender(
                database: rig.context.database, configuration: configuration, mailer: nil,
                logger: Logger(label: "hand-off"), clock: rig.clock.read,
                handOff: { deliveries, lease in handed.withLockedValue { $0 += deliveries.map { ($0, lease) } } })
            let (customer, _, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
            let message = try await rig.context.chat.sendMessage(
                sessionID: session.id, senderID: customer.id, body: "Is it oak?")
            while try await rig.dispatcher.dispatchOnce() > 0 {}
            rig.clock.set(message.createdAt.addingTimeInterval(Self.delay + 1))
            await sender.sendDue()
            let (delivery, leaseUntil) = try #require(handed.withLockedValue { $0 }.only)
            #expect(delivery.endpointID == endpoint.id)
            #expect(delivery.orderingKey == session.id)
            let json = try JSONSerialization.jsonObject(with: Data(delivery.body.utf8)) as? [String: Any]
            #expect(json?["type"] as? String == "unread.reminder_due")
            #expect(leaseUntil == configuration.webhookLease(from: rig.clock.read()))
            #expect(try await rig.webhooks.recentDeliveries(endpointID: endpoint.id).map(\.attempts) == [1])
        }
    }

    @Test func remindersFallingDueTogetherAreEachDecidedAndRecordedInOneRound() async throws {
        try await Self.run { rig in
            let endpoint = try await rig.webhooks.add(url: "http://127.0.0.1:9/hook", events: "unread.reminder_due")
            let unread = try await rig.context.fixtures.conversation(chat: rig.context.chat)
            let muted = try await rig.context.fixtures.conversation(chat: rig.context.chat)
            let noEmail = try await rig.context.fixtures.conversation(chat: rig.context.chat)
            for conversation in [unread, muted, noEmail] {
                _ = try await rig.context.chat.sendMessage(
                    sessionID: conversation.session.id, senderID: conversation.customer.id, body: "still there?")
            }
            try await rig.settle()
            try await NotificationPreferenceService(database: rig.context.database).setMuted(
                true, sessionID: muted.session.id, by: muted.vendor)
            _ = try await NotificationPreferenceService(database: rig.context.database).update(
                emailReminders: false, for: noEmail.vendor)
            try await rig.waitOutTheDelay()
            #expect(rig.mail.map(\.rcptTos) == [[unread.vendor.email]])
            let reported = try await rig.context.database.read { db in
                try await db.raw("SELECT chat_session_id FROM webhook_events ORDER BY chat_session_id").all()
                    .map { try $0.decode(column: "chat_session_id", as: Int64.self) }
            }
            #expect(reported == [unread.session.id, noEmail.session.id].sorted())
            let pending = try await rig.context.database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM unread_reminders WHERE due_at IS NOT NULL").first()?
                    .decode(column: "n", as: Int64.self)
            }
            #expect(pending == 0)
            try await rig.waitOutTheDelay()
            #expect(rig.mail.count == 1)
            #expect(try await rig.webhooks.recentDeliveries(endpointID: endpoint.id).count == 2)
        }
    }

    /// Runs a reminder sender that looks once at start and next only after ten minutes unless a
    /// reminder wakes it, with an endpoint for `unread.reminder_due` and reminders after `delay`
    /// seconds; `prepare` sends with `chat` first. Returns how many reminders' webhooks were queued
    /// once `expected` were, or after 60 s.
    private static func remindersQueued(
        _ expected: Int, delay: Int64, in context: ChatTestContext,
        chat: ChatService? = nil, prepare: (ChatService) async throws -> Void
    ) async throws -> Int {
        var configuration = NotificationConfiguration()
        configuration.reminderDelay = .seconds(delay)
        let webhooks = WebhookService(database: context.database, configuration: configuration)
        _ = try await webhooks.add(url: "http://127.0.0.1:9/hook", events: "unread.reminder_due")
        let logger = Logger(label: "reminders")
        let dispatcher = OutboxDispatcher(
            database: context.database, events: context.events, configuration: configuration, emailEnabled: false,
            logger: logger)
        try await prepare(chat ?? context.chat)
        while try await dispatcher.dispatchOnce() > 0 {}
        let (queued, queuedNow) = AsyncStream.makeStream(of: Void.self)
        let sender = ReminderSender(
            database: context.database, configuration: configuration, mailer: nil, logger: logger,
            interval: .seconds(600), onWebhookQueued: { queuedNow.yield() })
        return await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await sender.run() }
            group.addTask {
                try? await Task.sleep(for: .seconds(60))
                queuedNow.finish()
            }
            defer { group.cancelAll() }
            var count = 0
            for await _ in queued {
                count += 1
                if count == expected { break }
            }
            return count
        }
    }

    @Test func aReminderFallingDueBeforeTheSendersNextLookWakesItOnTime() async throws {
        try await ChatTestContext.run { context in
            let queued = try await Self.remindersQueued(1, delay: 3, in: context) { chat in
                let (customer, _, _, session) = try await context.fixtures.conversation(chat: chat)
                _ = try await chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "hello?")
            }
            #expect(queued == 1)
        }
    }

    @Test func aReminderFallingDueDuringARoundIsSentWithoutWaitingForTheNextRegularLook() async throws {
        try await ChatTestContext.run { context in
            // Messages stamped so that one reminder is due at once and the other two seconds later,
            // after the first round.
            let now = Date()
            let stamps = ManualClock(start: now)
            let stamped = ChatService(database: context.database, events: context.events, clock: stamps.read)
            let queued = try await Self.remindersQueued(2, delay: 5, in: context, chat: stamped) { chat in
                for offset in [-5.0, -3.0] {
                    let (customer, _, _, session) = try await context.fixtures.conversation(chat: chat)
                    stamps.set(now.addingTimeInterval(offset))
                    _ = try await chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "hello?")
                }
            }
            #expect(queued == 2)
        }
    }

    @Test(.enabled(if: geteuid() == 0, "giving a thread its priority back needs CAP_SYS_NICE"))
    func remindersDecidedASecondAfterFallingDueRaiseTheSendersLoweredThread() async throws {
        let (thread, _, _) = try await NotificationThreadTests.loweredThread()
        try await Self.run { rig in
            var configuration = NotificationConfiguration()
            configuration.reminderDelay = .seconds(Int64(Self.delay))
            let sender = ReminderSender(
                database: rig.context.database, configuration: configuration, mailer: nil,
                logger: Logger(label: "late"), clock: rig.clock.read, thread: thread)
            for (offset, raised) in [(0.1, false), (1, true)] {
                let (customer, _, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
                let message = try await rig.context.chat.sendMessage(
                    sessionID: session.id, senderID: customer.id, body: "Is it oak?")
                while try await rig.dispatcher.dispatchOnce() > 0 {}
                rig.clock.set(message.createdAt.addingTimeInterval(Self.delay + offset))
                await sender.sendDue()
                #expect(thread.isRaised == raised, "\(offset) s after falling due")
            }
        }
    }

    @Test func theHTMLPartEscapesAQuoteOrBracketEvenWithACombiningMarkOnIt() {
        // A quote with a combining mark is one Character but two scalars: escaping by Character
        // let it through unescaped.
        let digest = ReminderDigest(
            key: ReminderKey(sessionID: 1, userID: 2), recipientName: "Ana", recipientEmail: "ana@example.com",
            productName: "Oak table", counterpartName: "Bo",
            messages: [.init(id: 3, senderName: "Bo", body: "\"\u{301} onclick=x <\u{301}b>", createdAt: Date())],
            unreadCount: 1, throughMessageID: 3, isMuted: false, wantsEmail: true, isAllowed: true)
        let html = ReminderEmail(digest: digest, publicURL: "https://chat.example.com").html
        let escaped = "&quot;\u{301} onclick=x &lt;\u{301}b&gt;"
        let raw = "\"\u{301}"
        #expect(html.contains(escaped))
        #expect(!html.contains(raw))
    }
}
