import Crypto
import Foundation
import Glibc
import Logging
import NIOConcurrencyHelpers
@testable import ParleyCore
@testable import ParleyServer
import ParleyTestSupport
import SQLKit
import Testing

/// Webhooks (issue 11): what the outbox dispatcher decides from the event log and how the sender
/// delivers it to a real HTTP receiver on loopback. The test drives both by hand, with a clock it
/// moves, so retries and give-ups need no waiting.
@Suite("Webhook deliveries")
struct WebhookDeliveryTests {
    struct Rig: Sendable {
        let context: ChatTestContext
        let clock: ManualClock
        let configuration: NotificationConfiguration
        let dispatcher: OutboxDispatcher
        let sender: WebhookSender
        let webhooks: WebhookService

        /// Another instance's dispatcher on the same database, handing its leased deliveries to `handOff`.
        func otherDispatcher(
            handOff: (@Sendable ([ClaimedWebhookDelivery], Date) -> Void)? = nil
        ) -> OutboxDispatcher {
            OutboxDispatcher(
                database: context.database, events: context.events, configuration: configuration,
                emailEnabled: false, logger: Logger(label: "other"), clock: clock.read, handOff: handOff)
        }

        /// A new conversation whose customer sends `bodies`, in order.
        @discardableResult
        func conversation(sending bodies: [String]) async throws -> (customer: User, session: ChatSession) {
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            for body in bodies {
                _ = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: body)
            }
            return (customer, session)
        }

        /// Dispatches what was logged, then attempts what is due.
        func deliver() async throws {
            while try await dispatcher.dispatchOnce() > 0 {}
            await sender.sendDue()
        }

        /// Three conversations' first messages, written leased by another dispatcher and handed to
        /// a sender with these limits, which then runs one round against `url`.
        func handThreeOver(to url: String, handOffLimit: Int, turnedAwayLimit: Int) async throws {
            _ = try await webhooks.add(url: url, events: "message.created")
            let sender = WebhookSender(
                database: context.database, configuration: configuration, logger: Logger(label: "small"),
                clock: clock.read, handOffLimit: handOffLimit, turnedAwayLimit: turnedAwayLimit,
                thread: WebhookDeliveryTests.thread)
            for body in ["oak?", "ash?", "elm?"] { try await conversation(sending: [body]) }
            let dispatcher = otherDispatcher { sender.accept($0, leasedUntil: $1) }
            while try await dispatcher.dispatchOnce() > 0 {}
            await sender.sendDue()
            await sender.shutdown()
        }

        func deliveries() async throws -> [WebhookDelivery] {
            var all: [WebhookDelivery] = []
            for endpoint in try await webhooks.endpoints() {
                all += try await webhooks.recentDeliveries(endpointID: endpoint.id)
            }
            return all.sorted { $0.id < $1.id }
        }
    }

    /// This suite's HTTP connections' thread: on the one every other test's servers share, a busy
    /// test run kept their requests waiting past the timeouts these tests set.
    static let thread = NotificationThread(name: "test-webhooks")

    static func run(
        timeout: Duration = .seconds(5), _ body: @Sendable (Rig) async throws -> Void
    ) async throws {
        try await ChatTestContext.run { context in
            let clock = ManualClock(start: Date())
            var configuration = NotificationConfiguration()
            configuration.webhookTimeout = timeout
            let logger = Logger(label: "webhooks")
            let sender = WebhookSender(
                database: context.database, configuration: configuration, logger: logger, clock: clock.read,
                thread: Self.thread)
            let rig = Rig(
                context: context, clock: clock, configuration: configuration,
                dispatcher: OutboxDispatcher(
                    database: context.database, events: context.events, configuration: configuration,
                    emailEnabled: false, logger: logger, clock: clock.read,
                    handOff: { sender.accept($0, leasedUntil: $1) }),
                sender: sender,
                webhooks: WebhookService(database: context.database, configuration: configuration, clock: clock.read))
            do {
                try await body(rig)
            } catch {
                await rig.sender.shutdown()
                throw error
            }
            await rig.sender.shutdown()
        }
    }

    static func expectedSignature(_ request: WebhookReceiver.Request, secret: String) -> Bool {
        guard let header = request.headers["parley-signature"] else { return false }
        let parts = Dictionary(
            uniqueKeysWithValues: header.split(separator: ",").compactMap { part -> (String, String)? in
                let pair = part.split(separator: "=", maxSplits: 1)
                return pair.count == 2 ? (String(pair[0]), String(pair[1])) : nil
            })
        guard let t = parts["t"], let v1 = parts["v1"] else { return false }
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("\(t).".utf8) + request.body, using: SymmetricKey(data: Data(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined() == v1
    }

    @Test func aNewMessageIsPostedSignedWithTheEndpointsSecret() async throws {
        try await Self.run { rig in
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                let endpoint = try await rig.webhooks.add(url: url, events: "message.created")
                let (customer, _, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
                let message = try await rig.context.chat.sendMessage(
                    sessionID: session.id, senderID: customer.id, body: "Is it <b>oak</b>?")
                try await rig.deliver()
                let request = try #require(receiver.requests.only)
                #expect(Self.expectedSignature(request, secret: endpoint.secret))
                #expect(!Self.expectedSignature(request, secret: endpoint.secret + "x"))
                #expect(request.type == "message.created")
                #expect(request.eventID.hasPrefix("evt_"))
                #expect(request.headers["content-type"] == "application/json")
                #expect(request.data["id"] as? Int == Int(message.id))
                #expect(request.data["body"] as? String == "Is it <b>oak</b>?")
                #expect(request.json["created_at"] is String)
                let recipient = try #require(request.data["recipient"] as? [String: Any])
                #expect(recipient["id"] as? Int == Int(session.vendorID))
                #expect(recipient["unread_total"] as? Int == 1)
                #expect(try await rig.deliveries().map(\.state) == [.delivered])
            }
        }
    }

    @Test func aMessageWhoseContactDetailsWereHiddenIsPostedHidden() async throws {
        try await Self.run { rig in
            try await SettingsService(database: rig.context.database).setContactDetailPolicy(.hide)
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                _ = try await rig.webhooks.add(url: url, events: "message.created")
                let (customer, _, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
                _ = try await rig.context.chat.sendMessage(
                    sessionID: session.id, senderID: customer.id, body: "ring me: +1 415 555 0132")
                try await rig.deliver()
                let request = try #require(receiver.requests.only)
                #expect(request.data["body"] as? String == "ring me: \(ContactDetailDetector.redaction)")
                #expect(request.data["flags"] as? [String] == ["contact_details"])
                #expect(!String(decoding: request.body, as: UTF8.self).contains("555"))
            }
        }
    }

    @Test func aNewMessageCarriesItsRecipientsDevicesForPushServices() async throws {
        try await Self.run { rig in
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                _ = try await rig.webhooks.add(url: url, events: "message.created")
                let (customer, vendor, _, session) = try await rig.context.fixtures.conversation(
                    chat: rig.context.chat)
                let devices = DeviceService(database: rig.context.database)
                _ = try await devices.register(platform: "ios", token: "apns-vendor-1", for: vendor)
                _ = try await devices.register(platform: "android", token: "fcm-customer-1", for: customer)
                _ = try await rig.context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "a")
                _ = try await rig.context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "b")
                try await rig.deliver()
                let last = try #require(receiver.requests.last)
                let recipient = try #require(last.data["recipient"] as? [String: Any])
                #expect(recipient["id"] as? Int == Int(vendor.id))
                #expect(recipient["unread_total"] as? Int == 2)
                let listed = try #require(recipient["devices"] as? [[String: Any]])
                #expect(listed.count == 1)
                #expect(listed.first?["platform"] as? String == "ios")
                #expect(listed.first?["token"] as? String == "apns-vendor-1")
            }
        }
    }

    @Test func onlyTheEventsAnEndpointAskedForAreSent() async throws {
        try await Self.run { rig in
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                _ = try await rig.webhooks.add(url: url, events: "chat_session.created,messages.read")
                let (customer, vendor, _, session) = try await rig.context.fixtures.conversation(
                    chat: rig.context.chat)
                _ = try await rig.context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "hi")
                _ = try await rig.context.chat.markRead(sessionID: session.id, readerID: vendor.id)
                try await rig.deliver()
                await rig.sender.sendDue()
                #expect(receiver.requests.map(\.type) == ["chat_session.created", "messages.read"])
            }
        }
    }

    @Test func aReceiverAnswering500TwiceGetsThreeAttemptsWithTheSameEventID() async throws {
        try await Self.run { rig in
            let receiver = WebhookReceiver { count in count <= 2 ? .status(500) : .status(200) }
            try await receiver.serve { url in
                _ = try await rig.webhooks.add(url: url, events: "message.created")
                let (customer, _, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
                _ = try await rig.context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "hi")
                try await rig.deliver()
                var delivery = try #require(try await rig.deliveries().only)
                #expect(delivery.state == .pending && delivery.lastStatus == 500 && delivery.attempts == 1)
                // Not retried before the first wait (about 5 s) is over.
                await rig.sender.sendDue()
                #expect(receiver.requests.count == 1)
                rig.clock.advance(7)
                await rig.sender.sendDue()
                #expect(receiver.requests.count == 2)
                // The second wait is about twice the first.
                rig.clock.advance(7)
                await rig.sender.sendDue()
                #expect(receiver.requests.count == 2)
                rig.clock.advance(6)
                await rig.sender.sendDue()
                #expect(receiver.requests.count == 3)
                #expect(Set(receiver.requests.map(\.eventID)).count == 1)
                delivery = try #require(try await rig.deliveries().only)
                #expect(delivery.state == .delivered && delivery.attempts == 3 && delivery.lastStatus == 200)
            }
        }
    }

    @Test func aReceiverThatNeverAnswersTimesOutAndIsRetried() async throws {
        try await Self.run(timeout: .seconds(1)) { rig in
            let receiver = WebhookReceiver { count in count == 1 ? .silence : .status(200) }
            try await receiver.serve { url in
                _ = try await rig.webhooks.add(url: url, events: "message.created")
                let (customer, _, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
                _ = try await rig.context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "hi")
                let started = ContinuousClock.now
                try await rig.deliver()
                // Given up on after its second, not left waiting (the whole suite's load can add seconds).
                #expect(ContinuousClock.now - started < .seconds(15))
                let first = try #require(try await rig.deliveries().only)
                #expect(first.state == .pending && first.lastStatus == nil)
                #expect(first.lastError?.contains("no answer") == true)
                // The receiver answers every later request at once, but under the whole suite's load a
                // 1 s budget can still run out before the answer arrives: then that attempt fails
                // too and the next one, a longer wait later, is tried. A few are enough.
                for _ in 0..<5 where try await rig.deliveries().only?.state != .delivered {
                    rig.clock.advance(120)
                    await rig.sender.sendDue()
                }
                #expect(try await rig.deliveries().only?.state == .delivered)
                #expect(receiver.requests.count >= 2)
                #expect(Set(receiver.requests.map(\.eventID)).count == 1)
            }
        }
    }

    @Test func oneSessionsEventsReachAnEndpointInOrderEvenWhenOneFails() async throws {
        try await Self.run { rig in
            let receiver = WebhookReceiver { count in count == 1 ? .status(503) : .status(200) }
            try await receiver.serve { url in
                _ = try await rig.webhooks.add(url: url, events: "message.created")
                try await rig.conversation(sending: (1...5).map { "m\($0)" })
                try await rig.deliver()
                // The first failed; the rest wait behind it.
                #expect(receiver.requests.count == 1)
                for _ in 0..<6 {
                    rig.clock.advance(10)
                    await rig.sender.sendDue()
                }
                let bodies = receiver.requests.map { $0.data["body"] as? String ?? "" }
                #expect(bodies == ["m1", "m1", "m2", "m3", "m4", "m5"])
            }
        }
    }

    @Test func anotherSessionIsNotHeldUpByAFailingOne() async throws {
        try await Self.run { rig in
            let receiver = WebhookReceiver { count in count == 1 ? .status(500) : .status(200) }
            try await receiver.serve { url in
                _ = try await rig.webhooks.add(url: url, events: "message.created")
                let (customer, _, _, first) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
                let (other, _, _, second) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
                _ = try await rig.context.chat.sendMessage(sessionID: first.id, senderID: customer.id, body: "a")
                try await rig.deliver()
                _ = try await rig.context.chat.sendMessage(sessionID: second.id, senderID: other.id, body: "b")
                try await rig.deliver()
                #expect(receiver.requests.map { $0.data["body"] as? String ?? "" } == ["a", "b"])
            }
        }
    }

    @Test func theDispatcherLeasesASessionsDeliveriesOnlyWhenNoneIsPendingBeforeThem() async throws {
        try await Self.run { rig in
            _ = try await rig.webhooks.add(url: "http://127.0.0.1:9/unused", events: "message.created")
            try await rig.conversation(sending: ["a1", "a2"])
            let (other, second) = try await rig.conversation(sending: ["b1"])
            let handed = NIOLockedValueBox<[ClaimedWebhookDelivery]>([])
            let dispatcher = rig.otherDispatcher { deliveries, _ in handed.withLockedValue { $0 += deliveries } }
            while try await dispatcher.dispatchOnce() > 0 {}
            _ = try await rig.context.chat.sendMessage(sessionID: second.id, senderID: other.id, body: "b2")
            while try await dispatcher.dispatchOnce() > 0 {}
            // a1 and a2 go as one chain; b2 waits behind b1, still pending from the batch before.
            let bodies = handed.withLockedValue { $0 }.map { delivery in
                (try? JSONSerialization.jsonObject(with: Data(delivery.body.utf8)) as? [String: Any])
                    .flatMap { $0["data"] as? [String: Any] }?["body"] as? String
            }
            #expect(bodies == ["a1", "a2", "b1"])
            #expect(try await rig.deliveries().map(\.attempts) == [1, 1, 1, 0])
        }
    }

    @Test func aBusySessionsDeliveriesGoOutInOneRoundInOrder() async throws {
        try await Self.run { rig in
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                _ = try await rig.webhooks.add(url: url, events: "message.created")
                try await rig.conversation(sending: (1...20).map { "m\($0)" })
                // Queued without a hand-off, so the sender claims them.
                let other = rig.otherDispatcher()
                while try await other.dispatchOnce() > 0 {}
                await rig.sender.sendDue()
                let chain = WebhookSender.chainLimit
                #expect(receiver.requests.map { $0.data["body"] as? String } == (1...chain).map { "m\($0)" })
                await rig.sender.sendDue()
                #expect(receiver.requests.map { $0.data["body"] as? String } == (1...20).map { "m\($0)" })
            }
        }
    }

    @Test func aChainStopsAtItsFirstFailureAndLetsTheRestGo() async throws {
        try await Self.run { rig in
            let receiver = WebhookReceiver { count in count == 1 ? .status(500) : .status(200) }
            try await receiver.serve { url in
                _ = try await rig.webhooks.add(url: url, events: "message.created")
                try await rig.conversation(sending: ["m1", "m2", "m3"])
                try await rig.deliver()
                #expect(receiver.requests.count == 1)
                // The two behind the failure were not attempted: not counted, not leased.
                let waiting = try await rig.deliveries()
                #expect(waiting.map(\.attempts) == [1, 0, 0])
                let leased = try await rig.context.database.read { db in
                    try await db.raw("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE lease_until IS NOT NULL")
                        .first()?.decode(column: "n", as: Int64.self)
                }
                #expect(leased == 0)
            }
        }
    }

    @Test func aClaimDoesNotSendPastADeliveryAnotherInstanceHolds() async throws {
        try await Self.run { rig in
            _ = try await rig.webhooks.add(url: "http://127.0.0.1:9/unused", events: "message.created")
            try await rig.conversation(sending: ["m1", "m2"])
            while try await rig.otherDispatcher().dispatchOnce() > 0 {}
            let database = rig.context.database
            let now = rig.clock.read()
            let chain = try await database.read { db in
                try await WebhookDeliveryRepository(db, engine: database.engine).dueForClaim(
                    at: now, limit: 10, chainLimit: 4)
            }
            #expect(chain.map(\.count) == [2])
            let lease = rig.configuration.webhookLease(from: now)
            // Another instance takes the first meanwhile.
            let taken = try await database.write { db in
                try await WebhookDeliveryRepository(db, engine: database.engine).claim(
                    [[chain[0][0]]], at: now, leaseUntil: lease)
            }
            #expect(taken.count == 1)
            let claimed = try await database.write { db in
                try await WebhookDeliveryRepository(db, engine: database.engine).claim(
                    chain, at: now, leaseUntil: lease)
            }
            #expect(claimed.isEmpty)
            #expect(try await rig.deliveries().map(\.attempts) == [1, 0])
        }
    }

    @Test func theSenderKeepsAtMostItsLimitOfHandedOverDeliveries() async throws {
        try await Self.run { rig in
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                let endpoint = try await rig.webhooks.add(url: url, events: "message.created")
                let limit = 16
                // Patient, so that a slow answer on a busy test machine is not taken for a failure.
                var configuration = rig.configuration
                configuration.webhookTimeout = .seconds(60)
                let sender = WebhookSender(
                    database: rig.context.database, configuration: configuration, logger: Logger(label: "small"),
                    clock: rig.clock.read, handOffLimit: limit, thread: Self.thread)
                let deliveries = (0..<(limit + 5)).map { index in
                    ClaimedWebhookDelivery(
                        id: Int64(1_000_000 + index), endpoint: endpoint,
                        event: OutgoingWebhookEvent(
                            publicID: "evt_test_\(index)", type: .messageCreated, sessionID: Int64(index),
                            body: #"{"id":"evt_test_\#(index)","type":"message.created","data":{}}"#),
                        orderingKey: Int64(index), attempt: 1, giveUpAt: rig.clock.read().addingTimeInterval(3600))
                }
                sender.accept(deliveries, leasedUntil: configuration.webhookLease(from: rig.clock.read()))
                await sender.sendDue()
                await sender.shutdown()
                // The rest were turned away (and, had they been in the database, let go there).
                #expect(receiver.requests.count == limit)
            }
        }
    }

    @Test func deliveriesHandedOverPastTheLimitAreLetGoAndClaimedInTheSameRound() async throws {
        try await Self.run(timeout: .seconds(60)) { rig in
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                // Three sessions, so all three are written leased and handed over; one finds no room.
                try await rig.handThreeOver(
                    to: url, handOffLimit: 2, turnedAwayLimit: WebhookSender.defaultTurnedAwayLimit)
                #expect(receiver.requests.count == 3)
                #expect(try await rig.deliveries().map(\.state) == [.delivered, .delivered, .delivered])
                #expect(try await rig.deliveries().map(\.attempts) == [1, 1, 1])
            }
        }
    }

    @Test func deliveriesTurnedAwayPastTheirLimitWaitForTheirLease() async throws {
        try await Self.run(timeout: .seconds(60)) { rig in
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                // One is kept, one turned away and let go, and the third is not remembered at all.
                try await rig.handThreeOver(to: url, handOffLimit: 1, turnedAwayLimit: 1)
                #expect(receiver.requests.count == 2)
                #expect(try await rig.deliveries().map(\.state) == [.delivered, .delivered, .pending])
                #expect(try await rig.deliveries().map(\.attempts) == [1, 1, 1])
            }
        }
    }

    @Test func aDeliveryHandedToAnInstanceThatDiedIsAttemptedOnceItsLeaseEnds() async throws {
        try await Self.run { rig in
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                _ = try await rig.webhooks.add(url: url, events: "message.created")
                let (customer, _, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
                _ = try await rig.context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "hi")
                // This instance writes the delivery leased to itself and dies before attempting it.
                let lost = rig.otherDispatcher { _, _ in }
                while try await lost.dispatchOnce() > 0 {}
                await rig.sender.sendDue()
                #expect(receiver.requests.isEmpty)
                rig.clock.advance(rig.configuration.webhookTimeout.inSeconds + 31)
                await rig.sender.sendDue()
                #expect(receiver.requests.count == 1)
                let delivery = try #require(try await rig.deliveries().only)
                #expect(delivery.state == .delivered && delivery.attempts == 2)
            }
        }
    }

    @Test(.enabled(if: geteuid() == 0, "giving a thread its priority back needs CAP_SYS_NICE"))
    func aDispatcherReadingEventsLoggedASecondBeforeRaisesItsLoweredThread() async throws {
        let (thread, _, _) = try await NotificationThreadTests.loweredThread()
        try await Self.run { rig in
            _ = try await rig.webhooks.add(url: "http://127.0.0.1:9/hook", events: "message.created")
            let dispatcher = OutboxDispatcher(
                database: rig.context.database, events: rig.context.events, configuration: rig.configuration,
                emailEnabled: false, logger: Logger(label: "late"), clock: rig.clock.read, thread: thread)
            // Messages are stamped with the real time; the dispatcher's clock is set from their stamps,
            // so that a busy machine between the send and the dispatch does not count.
            let (customer, session) = try await rig.conversation(sending: [])
            // The conversation's own events first, with the clock still before them: they were logged
            // earlier than the messages below, by however long a busy machine took.
            while try await dispatcher.dispatchOnce() > 0 {}
            let onTime = try await rig.context.chat.sendMessage(
                sessionID: session.id, senderID: customer.id, body: "Is it oak?")
            rig.clock.set(onTime.createdAt.addingTimeInterval(0.1))
            while try await dispatcher.dispatchOnce() > 0 {}
            #expect(!thread.isRaised)
            let late = try await rig.context.chat.sendMessage(
                sessionID: session.id, senderID: customer.id, body: "Is it still there?")
            rig.clock.set(late.createdAt.addingTimeInterval(1))
            while try await dispatcher.dispatchOnce() > 0 {}
            #expect(thread.isRaised)
        }
    }

    @Test(.enabled(if: geteuid() == 0, "giving a thread its priority back needs CAP_SYS_NICE"))
    func deliveriesAttemptedASecondAfterTheirHandOverRaiseTheSendersLoweredThread() async throws {
        let (thread, _, _) = try await NotificationThreadTests.loweredThread()
        try await Self.run { rig in
            let sender = WebhookSender(
                database: rig.context.database, configuration: rig.configuration, logger: Logger(label: "late"),
                clock: rig.clock.read, thread: thread)
            let receiver = WebhookReceiver()
            do {
                try await receiver.serve { url in
                    _ = try await rig.webhooks.add(url: url, events: "message.created")
                    let dispatcher = rig.otherDispatcher(handOff: { sender.accept($0, leasedUntil: $1) })
                    try await rig.conversation(sending: ["Is it oak?"])
                    while try await dispatcher.dispatchOnce() > 0 {}
                    await sender.sendDue()
                    #expect(!thread.isRaised)
                    try await rig.conversation(sending: ["Is it still there?"])
                    while try await dispatcher.dispatchOnce() > 0 {}
                    rig.clock.advance(1)
                    await sender.sendDue()
                    #expect(thread.isRaised)
                    #expect(receiver.requests.count == 2)
                }
            } catch {
                await sender.shutdown()
                throw error
            }
            await sender.shutdown()
        }
    }

    @Test func aChangeThatRolledBackSendsNothing() async throws {
        try await Self.run { rig in
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                _ = try await rig.webhooks.add(url: url, events: "message.created,chat_session.created")
                let (customer, _, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
                try await rig.deliver()
                let before = receiver.requests.count
                struct Abandon: Error {}
                let message = ChatMessage(
                    id: 999_999, sessionID: session.id, senderID: customer.id, senderRole: .customer, body: "never",
                    readAt: nil, createdAt: Date(), clientMessageID: nil)
                _ = try? await rig.context.database.write { db -> Void in
                    _ = try await EventLogRepository(db).append(
                        [.messageCreated(message, session: session)], origin: "test", at: Date())
                    throw Abandon()
                }
                try await rig.deliver()
                #expect(receiver.requests.count == before)
                _ = try await rig.context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "kept")
                try await rig.deliver()
                #expect(receiver.requests.map { $0.data["body"] as? String }.last == "kept")
                #expect(receiver.requests.count == before + 1)
            }
        }
    }

    @Test func withNothingWantingEventsTheDispatcherMovesPastThemUnread() async throws {
        try await Self.run { rig in
            // A payload no reader takes: reading it would fail the dispatch.
            try await rig.context.database.write { db in
                let head = try await EventLogRepository(db).head() + 1
                try await db.raw("UPDATE event_log_head SET position = \(bind: head) WHERE id = 1").run()
                try await db.raw(
                    """
                    INSERT INTO event_log (position, origin, created_at, payload)
                    VALUES (\(bind: head), 'test', 0, '{')
                    """
                ).run()
            }
            #expect(try await rig.dispatcher.dispatchOnce() > 0)
            let (head, cursor) = try await rig.context.database.read { db in
                (
                    try await EventLogRepository(db).head(),
                    try await OutboxCursorRepository(db, engine: rig.context.database.engine).position()
                )
            }
            #expect(cursor == head)
            #expect(try await rig.dispatcher.dispatchOnce() == 0)
        }
    }

    @Test func anEndpointThatFailsForADayIsSwitchedOffWithTheReason() async throws {
        try await Self.run { rig in
            let receiver = WebhookReceiver { _ in .status(502) }
            try await receiver.serve { url in
                let endpoint = try await rig.webhooks.add(url: url, events: "message.created")
                let (customer, _, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
                _ = try await rig.context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "x")
                try await rig.deliver()
                for _ in 0..<30 {
                    rig.clock.advance(3_600)
                    await rig.sender.sendDue()
                }
                let after = try await rig.webhooks.endpoint(id: endpoint.id)
                #expect(!after.isEnabled)
                #expect(after.disabledReason?.contains("HTTP 502") == true)
                #expect(try await rig.deliveries().only?.state == .failed)
            }
        }
    }

    @Test func resendingADeliveryPostsItAgainWithTheSameEventID() async throws {
        try await Self.run { rig in
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                let endpoint = try await rig.webhooks.add(url: url, events: "message.created")
                let (customer, _, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
                _ = try await rig.context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "x")
                try await rig.deliver()
                let delivery = try #require(try await rig.deliveries().only)
                try await rig.webhooks.resend(endpointID: endpoint.id, deliveryID: delivery.id)
                await rig.sender.sendDue()
                #expect(receiver.requests.count == 2)
                #expect(receiver.requests[0].eventID == receiver.requests[1].eventID)
                await #expect(throws: WebhookError.deliveryNotFound(id: delivery.id + 1000)) {
                    try await rig.webhooks.resend(endpointID: endpoint.id, deliveryID: delivery.id + 1000)
                }
            }
        }
    }

    @Test func twoSendersAtOnceDeliverEachEventOnce() async throws {
        try await Self.run { rig in
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                _ = try await rig.webhooks.add(url: url, events: "message.created")
                for _ in 0..<4 { try await rig.conversation(sending: (0..<15).map { "\($0)" }) }
                while try await rig.dispatcher.dispatchOnce() > 0 {}
                let other = WebhookSender(
                    database: rig.context.database, configuration: rig.configuration, logger: Logger(label: "b"),
                    clock: rig.clock.read, thread: Self.thread)
                for _ in 0..<20 {
                    async let first: Void = rig.sender.sendDue()
                    async let second: Void = other.sendDue()
                    _ = await (first, second)
                }
                await other.shutdown()
                #expect(receiver.requests.count == 60)
                #expect(Set(receiver.requests.map(\.eventID)).count == 60)
            }
        }
    }

    @Test func twoDispatchersAtOnceQueueEachEventOnce() async throws {
        try await Self.run { rig in
            _ = try await rig.webhooks.add(url: "http://127.0.0.1:9/unused", events: "message.created")
            let (customer, _, _, session) = try await rig.context.fixtures.conversation(chat: rig.context.chat)
            let other = rig.otherDispatcher()
            for round in 0..<10 {
                for index in 0..<20 {
                    _ = try await rig.context.chat.sendMessage(
                        sessionID: session.id, senderID: customer.id, body: "\(round)-\(index)")
                }
                async let first = rig.dispatcher.dispatchOnce()
                async let second = other.dispatchOnce()
                _ = try await (first, second)
            }
            while try await rig.dispatcher.dispatchOnce() > 0 {}
            let count = try await rig.context.database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM webhook_deliveries").first()?.decode(
                    column: "n", as: Int64.self)
            }
            #expect(count == 200)
        }
    }

    @Test func endpointsAreValidated() async throws {
        try await Self.run { rig in
            await #expect(throws: WebhookError.self) {
                try await rig.webhooks.add(url: "ftp://x", events: "message.created")
            }
            await #expect(throws: WebhookError.unknownEventType("message.sent")) {
                try await rig.webhooks.add(url: "https://example.com/h", events: "message.sent")
            }
            await #expect(throws: WebhookError.noEventTypes) {
                try await rig.webhooks.add(url: "https://example.com/h", events: " , ")
            }
            await #expect(throws: WebhookError.invalidSecret) {
                try await rig.webhooks.add(url: "https://example.com/h", events: "message.created", secret: "short")
            }
            let endpoint = try await rig.webhooks.add(url: "https://example.com/h", events: "message.read")
            #expect(endpoint.eventTypes == [.messagesRead])
            #expect(endpoint.secret.hasPrefix("whsec_"))
        }
    }
}

extension Array {
    /// The one element, or nil when there are none or several.
    var only: Element? { count == 1 ? first : nil }
}
