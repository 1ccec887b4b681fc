import Foundation
import SQLKit

/// The webhook outbox: `webhook_events` and one `webhook_deliveries` row per endpoint that wants
/// each (migration 0014). Rows are written in the transaction that decides to send them, and
/// claimed with a lease, so a delivery survives a crash of whoever was sending it.
public struct WebhookDeliveryRepository: Sendable {
    let db: any SQLDatabase
    let engine: DatabaseEngine

    public init(_ db: any SQLDatabase, engine: DatabaseEngine) {
        self.db = db
        self.engine = engine
    }

    /// Writes each event with a pending delivery for each of its endpoints, in a few multi-row
    /// statements; an event written before (same public id) is skipped.
    ///
    /// With `leaseUntil`, a delivery that is next in its endpoint's and session's order (no earlier
    /// one pending, none before it in `batch`) is written already leased to the caller, attempt
    /// counted, and returned for the caller to attempt at once: it needs no claim of its own.
    /// The others wait for ``claimDue(at:limit:leaseUntil:)`` as usual.
    @discardableResult
    public func enqueue(
        _ batch: [(event: OutgoingWebhookEvent, endpoints: [WebhookEndpoint])], at now: Date,
        retryingFor window: Duration, leaseUntil lease: Date? = nil
    ) async throws -> WebhookEnqueueResult {
        let wanted = batch.filter { !$0.endpoints.isEmpty }
        var result = WebhookEnqueueResult()
        guard !wanted.isEmpty else { return result }
        let nowMS = now.epochMilliseconds
        let giveUpAt = nowMS + window.milliseconds
        // Endpoint and session pairs that already have a delivery pending, or one in this batch.
        var queued: Set<OrderingKey> = []
        // Chunks keep SQLite's bound parameters well under its limit.
        for start in stride(from: 0, to: wanted.count, by: 500) {
            let chunk = wanted[start..<min(start + 500, wanted.count)]
            let rows = chunk.map { item -> SQLQueryString in
                let event = item.event
                return """
                    (\(bind: event.publicID), \(bind: event.type.rawValue), \(bind: event.sessionID), \(bind: nowMS), \
                    \(bind: event.body))
                    """
            }
            let inserted = try await db.raw(
                """
                INSERT INTO webhook_events (public_id, type, chat_session_id, created_at, body)
                VALUES \(rows.joined(separator: ", "))
                ON CONFLICT (public_id) DO NOTHING
                RETURNING id, public_id
                """
            ).all().reduce(into: [String: Int64]()) { ids, row in
                ids[try row.string("public_id")] = try row.int64("id")
            }
            if lease != nil {
                queued.formUnion(try await pendingKeys(among: chunk.filter { inserted[$0.event.publicID] != nil }))
            }
            var deliveries: [SQLQueryString] = []
            var leased: [OrderingKey: (event: OutgoingWebhookEvent, endpoint: WebhookEndpoint)] = [:]
            for item in chunk {
                guard let eventID = inserted[item.event.publicID] else { continue }
                for endpoint in item.endpoints {
                    let key = OrderingKey(endpointID: endpoint.id, orderingKey: item.event.sessionID ?? 0)
                    if let lease, queued.insert(key).inserted {
                        leased[key] = (item.event, endpoint)
                        deliveries.append(
                            """
                            (\(bind: endpoint.id), \(bind: eventID), \(bind: key.orderingKey), 'pending', 1, \
                            \(bind: nowMS), \(bind: giveUpAt), \(bind: nowMS), \(bind: lease.epochMilliseconds), \(bind: nowMS))
                            """)
                    } else {
                        deliveries.append(
                            """
                            (\(bind: endpoint.id), \(bind: eventID), \(bind: key.orderingKey), 'pending', 0, \
                            \(bind: nowMS), \(bind: giveUpAt), \(bind: nowMS), NULL, NULL)
                            """)
                    }
                }
            }
            for part in stride(from: 0, to: deliveries.count, by: 1_000) {
                let rows = try await db.raw(
                    """
                    INSERT INTO webhook_deliveries (endpoint_id, event_id, ordering_key, state, attempts,
                        next_attempt_at, give_up_at, created_at, lease_until, last_attempt_at)
                    VALUES \(deliveries[part..<min(part + 1_000, deliveries.count)].joined(separator: ", "))
                    RETURNING id, endpoint_id, ordering_key, attempts
                    """
                ).all()
                for row in rows where try row.int64("attempts") == 1 {
                    let key = OrderingKey(
                        endpointID: try row.int64("endpoint_id"), orderingKey: try row.int64("ordering_key"))
                    guard let (event, endpoint) = leased[key] else { continue }
                    result.leased.append(
                        ClaimedWebhookDelivery(
                            id: try row.int64("id"), endpoint: endpoint, event: event, attempt: 1,
                            giveUpAt: Date(epochMilliseconds: giveUpAt)))
                }
            }
            result.made += deliveries.count
        }
        result.leased.sort { $0.id < $1.id }
        return result
    }

    /// One event, as ``enqueue(_:at:retryingFor:leaseUntil:)`` writes a batch.
    @discardableResult
    public func enqueue(
        _ event: OutgoingWebhookEvent, to endpoints: [WebhookEndpoint], at now: Date, retryingFor window: Duration
    ) async throws -> WebhookEnqueueResult {
        try await enqueue([(event, endpoints)], at: now, retryingFor: window)
    }

    /// An endpoint and the session (0 for none) whose deliveries go out one at a time, in order.
    private struct OrderingKey: Hashable {
        var endpointID: Int64
        var orderingKey: Int64
    }

    /// Which of the batch's endpoint and session pairs have a delivery pending already
    /// (webhook_deliveries_order_idx answers it).
    private func pendingKeys(
        among batch: ArraySlice<(event: OutgoingWebhookEvent, endpoints: [WebhookEndpoint])>
    ) async throws -> Set<OrderingKey> {
        let endpointIDs = Array(Set(batch.flatMap { $0.endpoints.map(\.id) }))
        let sessionIDs = Array(Set(batch.map { $0.event.sessionID ?? 0 }))
        guard !endpointIDs.isEmpty else { return [] }
        return try await db.raw(
            """
            SELECT DISTINCT endpoint_id, ordering_key FROM webhook_deliveries
            WHERE state = 'pending' AND \(engine.dialect.isOneOf("endpoint_id", endpointIDs))
                AND \(engine.dialect.isOneOf("ordering_key", sessionIDs))
            """
        ).all().reduce(into: []) { keys, row in
            keys.insert(OrderingKey(endpointID: try row.int64("endpoint_id"), orderingKey: try row.int64("ordering_key")))
        }
    }

    /// Up to `limit` deliveries of enabled endpoints that are due and next in their endpoint's and
    /// session's order (so one session's events reach an endpoint in order, one at a time), oldest
    /// first. A read: ``claim(ids:at:leaseUntil:)`` checks each again as it leases it, so a round
    /// that finds nothing to send takes no write.
    public func dueForClaim(at now: Date, limit: Int) async throws -> [Int64] {
        let nowMS = now.epochMilliseconds
        // webhook_deliveries_due_idx finds what is due; webhook_deliveries_order_idx answers
        // whether an earlier delivery of the same endpoint and session is still pending.
        return try await db.raw(
            """
            SELECT d.id FROM webhook_deliveries d
            JOIN webhook_endpoints e ON e.id = d.endpoint_id
            WHERE d.state = 'pending' AND d.next_attempt_at <= \(bind: nowMS)
                AND (d.lease_until IS NULL OR d.lease_until <= \(bind: nowMS)) AND e.enabled = 1
                AND NOT EXISTS (
                    SELECT 1 FROM webhook_deliveries p
                    WHERE p.endpoint_id = d.endpoint_id AND p.ordering_key = d.ordering_key
                        AND p.state = 'pending' AND p.id < d.id)
            ORDER BY d.next_attempt_at, d.id LIMIT \(bind: limit)
            """
        ).all().map { try $0.int64("id") }
    }

    /// Leases until `leaseUntil` those of `ids` that are still due, unleased and next in their
    /// order, and counts the attempt; returns them. Whoever leases a delivery first has it: another
    /// instance claiming the same ids at once finds them leased. Call inside a write transaction.
    public func claim(ids: [Int64], at now: Date, leaseUntil: Date) async throws -> [ClaimedWebhookDelivery] {
        guard !ids.isEmpty else { return [] }
        let nowMS = now.epochMilliseconds
        let leased = try await db.raw(
            """
            UPDATE webhook_deliveries SET lease_until = \(bind: leaseUntil.epochMilliseconds),
                attempts = attempts + 1, last_attempt_at = \(bind: nowMS)
            WHERE \(engine.dialect.isOneOf("id", ids)) AND state = 'pending'
                AND next_attempt_at <= \(bind: nowMS) AND (lease_until IS NULL OR lease_until <= \(bind: nowMS))
                AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE enabled = 1)
                AND NOT EXISTS (
                    SELECT 1 FROM webhook_deliveries p
                    WHERE p.endpoint_id = webhook_deliveries.endpoint_id
                        AND p.ordering_key = webhook_deliveries.ordering_key
                        AND p.state = 'pending' AND p.id < webhook_deliveries.id)
            RETURNING id
            """
        ).all().map { try $0.int64("id") }
        guard !leased.isEmpty else { return [] }
        return try await db.raw(
            """
            SELECT d.id, d.endpoint_id, e.url, e.secret, ev.public_id, ev.body, d.attempts, d.give_up_at
            FROM webhook_deliveries d
            JOIN webhook_endpoints e ON e.id = d.endpoint_id
            JOIN webhook_events ev ON ev.id = d.event_id
            WHERE \(engine.dialect.isOneOf("d.id", leased))
            ORDER BY d.id
            """
        ).all().map(ClaimedWebhookDelivery.init(row:))
    }

    /// Their endpoints answered 2xx, with `status`.
    public func markDelivered(ids: [Int64], status: Int, at now: Date) async throws {
        for chunk in stride(from: 0, to: ids.count, by: engine.dialect.idListLimit) {
            let part = Array(ids[chunk..<min(chunk + engine.dialect.idListLimit, ids.count)])
            try await db.raw(
                """
                UPDATE webhook_deliveries SET state = 'delivered', last_status = \(bind: status), last_error = NULL,
                    lease_until = NULL, completed_at = \(bind: now.epochMilliseconds)
                WHERE \(engine.dialect.isOneOf("id", part))
                """
            ).run()
        }
    }

    /// The attempt failed: tried again at `retryAt`, or at the end of the delivery's window when
    /// that comes first; an attempt made at the end of the window is the last. Returns whether it
    /// will be tried again.
    @discardableResult
    public func markAttemptFailed(
        id: Int64, status: Int?, error: String, retryAt: Date, at now: Date
    ) async throws -> Bool {
        let nowMS = now.epochMilliseconds
        let row = try await db.raw(
            """
            UPDATE webhook_deliveries
            SET last_status = \(bind: status), last_error = \(bind: String(error.prefix(500))),
                lease_until = NULL,
                state = CASE WHEN \(bind: nowMS) >= give_up_at THEN 'failed' ELSE 'pending' END,
                completed_at = CASE WHEN \(bind: nowMS) >= give_up_at THEN \(bind: nowMS) ELSE NULL END,
                next_attempt_at = CASE WHEN \(bind: retryAt.epochMilliseconds) > give_up_at THEN give_up_at
                    ELSE \(bind: retryAt.epochMilliseconds) END
            WHERE id = \(bind: id)
            RETURNING state
            """
        ).first()
        return try row?.string("state") == "pending"
    }

    /// Sends a delivery again, now, with a fresh window; its event keeps its id.
    public func resend(id: Int64, at now: Date, retryingFor window: Duration) async throws -> Bool {
        try await db.raw(
            """
            UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = \(bind: now.epochMilliseconds),
                give_up_at = \(bind: now.epochMilliseconds + window.milliseconds), lease_until = NULL,
                completed_at = NULL
            WHERE id = \(bind: id)
            RETURNING id
            """
        ).first() != nil
    }

    /// An endpoint's latest deliveries, newest first.
    public func recent(endpointID: Int64, limit: Int) async throws -> [WebhookDelivery] {
        try await db.raw(
            """
            SELECT \(unsafeRaw: WebhookDelivery.columns) FROM webhook_deliveries d
            JOIN webhook_events ev ON ev.id = d.event_id
            WHERE d.endpoint_id = \(bind: endpointID)
            ORDER BY d.id DESC LIMIT \(bind: limit)
            """
        ).all().map(WebhookDelivery.init(row:))
    }

    public func find(id: Int64) async throws -> WebhookDelivery? {
        try await db.raw(
            """
            SELECT \(unsafeRaw: WebhookDelivery.columns) FROM webhook_deliveries d
            JOIN webhook_events ev ON ev.id = d.event_id
            WHERE d.id = \(bind: id)
            """
        ).first().map(WebhookDelivery.init(row:))
    }

    /// Deletes finished deliveries completed before `cutoff`, and events nobody waits for any more.
    public func prune(completedBefore cutoff: Date) async throws {
        try await db.raw(
            """
            DELETE FROM webhook_deliveries WHERE state <> 'pending' AND completed_at < \(bind: cutoff.epochMilliseconds)
            """
        ).run()
        try await db.raw(
            """
            DELETE FROM webhook_events WHERE created_at < \(bind: cutoff.epochMilliseconds)
                AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)
            """
        ).run()
    }
}
