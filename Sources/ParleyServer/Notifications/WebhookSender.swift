import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ParleyCore
import ServiceLifecycle

/// Makes the outbox's webhook deliveries: claims due ones with a lease (so each is attempted by one
/// instance, and a crash mid-attempt only delays it until the lease ends), POSTs each signed body,
/// and records the outcome. A failure or any answer but 2xx is retried after a growing wait until
/// the delivery's window closes; an endpoint that has failed for a whole window is switched off.
final class WebhookSender: Service, Sendable {
    /// Deliveries claimed per round, and attempted side by side over up to ``connectionLimit``
    /// connections per host. A round costs two write transactions whatever its size, and under
    /// load rounds follow each other as fast as the database and the receivers allow, so the
    /// round's size bounds how many deliveries a second one instance can make.
    static let claimLimit = 256
    static let connectionLimit = 64
    /// The least time between two rounds started by wakes, so that steady traffic is claimed in
    /// fuller rounds.
    static let pause = Duration.milliseconds(100)
    /// The most of a receiver's answer that is read (and then ignored).
    static let responseLimit = 64 * 1024

    private let database: Database
    private let configuration: NotificationConfiguration
    private let client: HTTPClient
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let signal = WakeSignal()

    init(
        database: Database, configuration: NotificationConfiguration, logger: Logger,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
        let timeout = TimeAmount.milliseconds(configuration.webhookTimeout.milliseconds)
        var httpConfiguration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: timeout, read: timeout))
        httpConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = Self.connectionLimit
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
    }

    /// Looks for due deliveries now rather than at the next tick.
    func wake() {
        signal.wake()
    }

    func run() async throws {
        await signal.run(every: .seconds(1), pausingAfterEachRun: Self.pause) { [self] in await sendDue() }
        try await shutdown()
    }

    /// Closes the HTTP client; for tests that call ``sendDue()`` without running the service.
    func shutdown() async throws {
        try await client.shutdown()
    }

    /// Attempts every delivery due now, a round of ``claimLimit`` at a time.
    func sendDue() async {
        while !Task.isCancelled {
            let now = clock()
            // Long enough for an attempt to finish and its outcome to be written.
            let lease = now.addingTimeInterval(configuration.webhookTimeout.inSeconds + 30)
            let claimed: [ClaimedWebhookDelivery]
            do {
                // A read first: most rounds find nothing due, and need not queue for a write.
                let due = try await database.read { db in
                    try await WebhookDeliveryRepository(db, engine: database.engine).nextDueAt()
                }
                guard let due, due <= now else { return }
                claimed = try await database.write { db in
                    try await WebhookDeliveryRepository(db, engine: database.engine).claimDue(
                        at: now, limit: Self.claimLimit, leaseUntil: lease)
                }
            } catch {
                if !(error is CancellationError) {
                    logger.warning("Could not claim webhook deliveries", metadata: ["error": "\(error)"])
                }
                return
            }
            guard !claimed.isEmpty else { return }
            let outcomes = await withTaskGroup(of: (ClaimedWebhookDelivery, Outcome).self) { group in
                for delivery in claimed {
                    group.addTask { (delivery, await self.post(delivery)) }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            await record(outcomes)
            guard claimed.count == Self.claimLimit else { return }
        }
    }

    /// Writes a round's outcomes in one transaction: the successes in a statement per status code,
    /// each failure with its own retry time.
    private func record(_ outcomes: [(ClaimedWebhookDelivery, Outcome)]) async {
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
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        let body = Array(delivery.body.utf8)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Parley-Webhooks/1")
        request.headers.add(name: "Parley-Event-Id", value: delivery.eventID)
        request.headers.add(
            name: WebhookSignature.headerName,
            value: WebhookSignature.header(body: body, secret: delivery.secret, at: clock()))
        request.body = .bytes(ByteBuffer(bytes: body))
        let timeout = TimeAmount.milliseconds(configuration.webhookTimeout.milliseconds)
        do {
            let response = try await client.execute(request, timeout: timeout, logger: logger)
            let status = Int(response.status.code)
            // Read (a bounded part of) the answer, so the connection can serve the next delivery.
            _ = try? await response.body.collect(upTo: Self.responseLimit)
            return (200..<300).contains(status)
                ? .delivered(status: status) : .failed(status: status, reason: "answered HTTP \(status)")
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return .failed(status: nil, reason: "no answer within \(configuration.webhookTimeout)")
        } catch {
            return .failed(status: nil, reason: "\(error)")
        }
    }
}
