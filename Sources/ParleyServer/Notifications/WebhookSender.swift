import Foundation
import Logging
import NIOCore
import ParleyCore
import ServiceLifecycle
import NIOConcurrencyHelpers

/// Makes the outbox's webhook deliveries: claims due ones with a lease (so each is attempted by one
/// instance, and a crash mid-attempt only delays it until the lease ends), or takes those the
/// dispatcher wrote already leased (``accept(_:leasedUntil:)``), POSTs each signed body, and
/// records the outcome. A failure or any answer but 2xx is retried after a growing wait until
/// the delivery's window closes; an endpoint that has failed for a whole window is switched off.
final class WebhookSender: Service, Sendable {
    /// Deliveries claimed per round, and attempted side by side over up to ``connectionLimit``
    /// connections per host. A round costs two write transactions whatever its size, and under
    /// load rounds follow each other as fast as the database and the receivers allow, so the
    /// round's size bounds how many deliveries a second one instance can make.
    static let claimLimit = 256
    static let connectionLimit = 64
    /// The most deliveries of one endpoint and session taken in one round, sent one after another
    /// so they arrive in order: a busy conversation is not held to one delivery per round.
    static let chainLimit = 16
    /// The most handed-over deliveries kept waiting for a round. Past it (receivers slower than the
    /// traffic) the next round lets the rest go in the database, to be claimed in their turn.
    static let defaultHandOffLimit = 4 * claimLimit
    /// The most turned-away deliveries remembered for the next round to let go, so a sender stuck in
    /// a long round does not collect them without bound. Past it they are left to their lease.
    static let defaultTurnedAwayLimit = 16 * defaultHandOffLimit
    /// The least time between two rounds started by wakes, so that steady traffic is claimed in
    /// fuller rounds.
    static let pause = Duration.milliseconds(25)

    private let database: Database
    private let configuration: NotificationConfiguration
    /// Where its rounds and its HTTP connections run: ``NotificationThread/shared`` unless a test
    /// gives it a thread of its own.
    private let thread: NotificationThread
    private let client: WebhookHTTPClient
    private let logger: Logger
    private let clock: @Sendable () -> Date
    /// The most handed-over deliveries kept waiting (``defaultHandOffLimit`` unless a test sets it).
    let handOffLimit: Int
    /// The most turned-away deliveries remembered (``defaultTurnedAwayLimit`` unless a test sets it).
    let turnedAwayLimit: Int
    private let signal = WakeSignal()
    /// Deliveries handed over already leased, with their lease's end and when they were handed
    /// over, waiting for the next round.
    private let handedOver = NIOLockedValueBox<[(delivery: ClaimedWebhookDelivery, leaseUntil: Date, at: Date)]>([])
    /// Handed-over deliveries there was no room for, with their lease's end: the next round lets
    /// them go. Left to their lease, they would hold back every later delivery of their sessions
    /// until it ended, 40 s by default.
    private let turnedAway = NIOLockedValueBox<[(ids: [Int64], leaseUntil: Date)]>([])
    /// Endpoints' addresses read already, by address (at most ``targetsKept``).
    private let targets = NIOLockedValueBox<[String: WebhookTarget]>([:])
    static let targetsKept = 1_024

    init(
        database: Database, configuration: NotificationConfiguration, logger: Logger,
        clock: @escaping @Sendable () -> Date = { Date() }, handOffLimit: Int = WebhookSender.defaultHandOffLimit,
        turnedAwayLimit: Int = WebhookSender.defaultTurnedAwayLimit, thread: NotificationThread = .shared
    ) {
        self.thread = thread
        self.client = WebhookHTTPClient(connectionsPerOrigin: Self.connectionLimit, group: thread.eventLoopGroup)
        self.database = database
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
        self.handOffLimit = handOffLimit
        self.turnedAwayLimit = turnedAwayLimit
    }

    /// Looks for due deliveries now rather than at the next tick.
    func wake() {
        signal.wake()
    }

    /// Takes deliveries leased to this instance until `leaseUntil` and attempts them in the next
    /// round, before it claims anything. Those past ``handOffLimit`` are let go at the next round's
    /// start; beyond ``turnedAwayLimit`` of those, the rest wait for their lease to end.
    func accept(_ deliveries: [ClaimedWebhookDelivery], leasedUntil leaseUntil: Date) {
        let now = clock()
        let left = handedOver.withLockedValue { queue in
            let room = max(0, handOffLimit - queue.count)
            queue += deliveries.prefix(room).map { ($0, leaseUntil, now) }
            return Array(deliveries.dropFirst(room).map(\.id))
        }
        if !left.isEmpty {
            let kept = turnedAway.withLockedValue { list in
                let room = max(0, turnedAwayLimit - list.reduce(0) { $0 + $1.ids.count })
                if room > 0 { list.append((Array(left.prefix(room)), leaseUntil)) }
                return min(room, left.count)
            }
            logger.notice(
                "Webhook deliveries turned away: the sender is behind",
                metadata: ["count": "\(left.count)", "leftToTheirLease": "\(left.count - kept)"])
        }
        signal.wake()
    }

    func run() async throws {
        await withTaskExecutorPreference(thread) {
            await signal.run(every: .seconds(1), pausingAfterEachRun: Self.pause) { [self] in await sendDue() }
        }
        await shutdown()
    }

    /// Closes the HTTP client; for tests that call ``sendDue()`` without running the service.
    func shutdown() async {
        await client.shutdown()
    }

    /// Attempts what was handed over, then every delivery due now, a round of ``claimLimit`` at a time.
    func sendDue() async {
        await letGoOfTurnedAway()
        await sendHandedOver()
        while !Task.isCancelled {
            let now = clock()
            let due: [[Int64]]
            let claimed: [ClaimedWebhookDelivery]
            do {
                // A read first: most rounds find nothing due, and need not queue for a write.
                due = try await database.read { db in
                    try await WebhookDeliveryRepository(db, engine: database.engine).dueForClaim(
                        at: now, limit: Self.claimLimit, chainLimit: Self.chainLimit)
                }
                guard !due.isEmpty else { return }
                claimed = try await database.write { db in
                    try await WebhookDeliveryRepository(db, engine: database.engine).claim(
                        due, at: now, leaseUntil: configuration.webhookLease(from: now))
                }
            } catch {
                if !(error is CancellationError) {
                    logger.warning("Could not claim webhook deliveries", metadata: ["error": "\(error)"])
                }
                return
            }
            guard !claimed.isEmpty else { return }
            await attempt(claimed)
            guard due.count == Self.claimLimit else { return }
        }
    }

    /// Lets go of the deliveries turned away since the last round, in one write: they are then
    /// claimed in order like any other. Should the write fail, they wait for their lease to end.
    private func letGoOfTurnedAway() async {
        let turned = turnedAway.withLockedValue { list in
            defer { list = [] }
            return list
        }
        guard !turned.isEmpty else { return }
        do {
            try await database.write { db in
                let deliveries = WebhookDeliveryRepository(db, engine: database.engine)
                for (ids, leaseUntil) in turned { try await deliveries.release(ids: ids, leasedUntil: leaseUntil) }
            }
        } catch {
            logger.warning(
                "Could not let go of webhook deliveries turned away",
                metadata: ["count": "\(turned.map(\.ids.count).reduce(0, +))", "error": "\(error)"])
        }
    }

    /// Attempts the deliveries handed over since the last round. One whose lease would end before
    /// its attempt could is left to be claimed once the lease is over, so no two instances attempt
    /// it at once. Tells the thread how long the oldest waited until its outcome was recorded.
    private func sendHandedOver() async {
        let handed = handedOver.withLockedValue { queue in
            defer { queue = [] }
            return queue
        }
        // Queued in the order they were handed over: the first waited longest.
        guard let oldest = handed.first?.at else { return }
        let start = clock()
        // Said at the start too: a long round would otherwise tell only at its end.
        thread.noteLateness(start.timeIntervalSince(oldest), of: .webhookSender, at: start)
        let latestStart = start.addingTimeInterval(configuration.webhookTimeout.inSeconds + 5)
        await attempt(handed.filter { $0.leaseUntil > latestStart }.map(\.delivery))
        let done = clock()
        thread.noteLateness(done.timeIntervalSince(oldest), of: .webhookSender, at: done)
    }

    /// POSTs the deliveries, each endpoint's and session's one after another in id order and the
    /// rest side by side, and records their outcomes. A chain stops at its first failure: what
    /// follows it is let go, to go out after the failed one.
    private func attempt(_ deliveries: [ClaimedWebhookDelivery]) async {
        guard !deliveries.isEmpty else { return }
        var chains: [[ClaimedWebhookDelivery]] = []
        var chainIndex: [[Int64]: Int] = [:]
        for delivery in deliveries.sorted(by: { $0.id < $1.id }) {
            let key = [delivery.endpointID, delivery.orderingKey]
            if let index = chainIndex[key] {
                chains[index].append(delivery)
            } else {
                chainIndex[key] = chains.count
                chains.append([delivery])
            }
        }
        let results = await withTaskGroup(of: ([(ClaimedWebhookDelivery, Outcome)], [Int64]).self) { group in
            for chain in chains {
                group.addTask {
                    var outcomes: [(ClaimedWebhookDelivery, Outcome)] = []
                    for (index, delivery) in chain.enumerated() {
                        let outcome = await self.post(delivery)
                        outcomes.append((delivery, outcome))
                        if case .failed = outcome { return (outcomes, chain.dropFirst(index + 1).map(\.id)) }
                    }
                    return (outcomes, [])
                }
            }
            return await group.reduce(into: ([(ClaimedWebhookDelivery, Outcome)](), [Int64]())) {
                $0.0 += $1.0
                $0.1 += $1.1
            }
        }
        await record(results.0, released: results.1)
    }

    /// Writes a round's outcomes in one transaction: the successes in a statement per status code,
    /// each failure with its own retry time.
    private func record(_ outcomes: [(ClaimedWebhookDelivery, Outcome)], released: [Int64]) async {
        let now = clock()
        let window = configuration.webhookRetryWindow.inSeconds
        do {
            try await database.write { db in
                let deliveries = WebhookDeliveryRepository(db, engine: database.engine)
                let endpoints = WebhookEndpointRepository(db)
                var delivered: [Int: [Int64]] = [:]
                var succeeded: Set<Int64> = []
                for (delivery, outcome) in outcomes {
                    switch outcome {
                    case .delivered(let status):
                        delivered[status, default: []].append(delivery.id)
                        succeeded.insert(delivery.endpointID)
                    case .failed(let status, let reason):
                        let retryAt = now.addingTimeInterval(
                            configuration.retryDelay(afterAttempt: delivery.attempt).inSeconds)
                        try await deliveries.markAttemptFailed(
                            id: delivery.id, status: status, error: reason, retryAt: retryAt, at: now)
                        try await endpoints.recordFailure(
                            id: delivery.endpointID, at: now, disableBefore: now.addingTimeInterval(-window),
                            reason: "Every delivery failed for \(Int(window / 3600)) hours; the last: \(reason)")
                    }
                }
                for (status, ids) in delivered {
                    try await deliveries.markDelivered(ids: ids, status: status, at: now)
                }
                for endpoint in succeeded {
                    try await endpoints.recordSuccess(id: endpoint)
                }
                try await deliveries.release(ids: released)
            }
        } catch {
            // The leases run out and the deliveries are attempted again, with the same event ids.
            logger.warning(
                "Could not record webhook attempts", metadata: ["count": "\(outcomes.count)", "error": "\(error)"])
        }
    }

    private enum Outcome {
        case delivered(status: Int)
        case failed(status: Int?, reason: String)
    }

    private func post(_ delivery: ClaimedWebhookDelivery) async -> Outcome {
        guard let target = target(of: delivery.url) else {
            return .failed(status: nil, reason: "\(WebhookPostError.invalidAddress)")
        }
        let body = ByteBuffer(string: delivery.body)
        let signature = WebhookSignature.header(body: body, secret: delivery.secret, at: clock())
        do {
            // A redirect is an answer like any other that is not 2xx: it is not followed.
            let status = try await client.post(
                to: target, headers: WebhookRequest.headers(eventID: delivery.eventID, signature: signature),
                body: body, timeout: configuration.webhookTimeout)
            return (200..<300).contains(status)
                ? .delivered(status: status) : .failed(status: status, reason: "answered HTTP \(status)")
        } catch {
            return .failed(status: nil, reason: "\(error)")
        }
    }

    /// The endpoint's address as read the first time it was posted to: endpoints are few and their
    /// addresses rarely change, so each is read once rather than at every delivery.
    private func target(of url: String) -> WebhookTarget? {
        if let known = targets.withLockedValue({ $0[url] }) { return known }
        guard let target = WebhookTarget(url) else { return nil }
        targets.withLockedValue { targets in
            if targets.count >= Self.targetsKept { targets = [:] }
            targets[url] = target
        }
        return target
    }
}
