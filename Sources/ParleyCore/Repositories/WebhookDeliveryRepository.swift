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
    /// Takes ``SQLDialect/webhookOutboxLock`` until the transaction ends: callers lock any other
    /// rows they write (reminders, say) before calling it, so no two writers wait on each other.
    ///
    /// With `leaseUntil`, the deliveries of an endpoint and session that has none pending already
    /// (up to `chainLimit` of them, in order) are written leased to the caller, attempt counted,
    /// and returned for the caller to attempt at once, one after another: they need no claim. The
    /// others wait for ``dueForClaim(at:limit:chainLimit:)`` as usual.
    @discardableResult
    public func enqueue(
        _ batch: [(event: OutgoingWebhookEvent, endpoints: [WebhookEndpoint])], at now: Date,
        retryingFor window: Duration, leaseUntil lease: Date? = nil, chainLimit: Int = 1
    ) async throws -> WebhookEnqueueResult {
        let wanted = batch.filter { !$0.endpoints.isEmpty }
        var result = WebhookEnqueueResult()
        guard !wanted.isEmpty else { return result }
        // Without it, a delivery written by a transaction that commits later could take a lower id
        // than one already claimed or leased, and go out after it.
        if let lock = engine.dialect.webhookOutboxLock { try await db.raw(SQLQueryString(lock)).run() }
        let nowMS = now.epochMilliseconds
        let giveUpAt = nowMS + window.milliseconds
        // Endpoint and session pairs whose next delivery cannot be leased here: one was pending
        // already, or this batch's chain for it is full.
        var blocked: Set<OrderingKey> = []
        var chained: [OrderingKey: Int] = [:]
        // Chunks keep SQLite's bound parameters well under its limit.
        for start in stride(from: 0, to: wanted.count, by: 500) {
            let chunk = wanted[start..<min(start + 500, wanted.count)]
            let events = engine.dialect.rows(
                [
                    .text("public_id", chunk.map(\.event.publicID)),
                    .text("type", chunk.map(\.event.type.rawValue)),
                    .optionalInt64("session_id", chunk.map(\.event.sessionID)),
                    .text("body", chunk.map(\.event.body)),
                ], as: "e")
            // `WHERE true` keeps SQLite from reading ON CONFLICT as the join's ON.
            let inserted = try await db.raw(
                """
                INSERT INTO webhook_events (public_id, type, chat_session_id, created_at, body)
                SELECT e.public_id, e.type, e.session_id, \(bind: nowMS), e.body
                FROM \(events) WHERE true ORDER BY e.ord
                ON CONFLICT (public_id) DO NOTHING
                RETURNING id, public_id
                """
            ).all().reduce(into: [String: Int64]()) { ids, row in
                ids[try row.string("public_id")] = try row.int64("id")
            }
            if lease != nil {
                let fresh = chunk.filter { inserted[$0.event.publicID] != nil }
                blocked.formUnion(try await pendingKeys(among: fresh).filter { chained[$0] == nil })
            }
            var deliveries: [NewDelivery] = []
            var leased: [DeliveryKey: (event: OutgoingWebhookEvent, endpoint: WebhookEndpoint)] = [:]
            for item in chunk {
                guard let eventID = inserted[item.event.publicID] else { continue }
                for endpoint in item.endpoints {
                    let key = OrderingKey(endpointID: endpoint.id, orderingKey: item.event.sessionID ?? 0)
                    if let lease, !blocked.contains(key) {
                        chained[key, default: 0] += 1
                        if chained[key] == chainLimit { blocked.insert(key) }
                        leased[DeliveryKey(endpointID: endpoint.id, eventID: eventID)] = (item.event, endpoint)
                        deliveries.append(
                            NewDelivery(
                                endpointID: endpoint.id, eventID: eventID, orderingKey: key.orderingKey, attempts: 1,
                                leaseUntil: lease.epochMilliseconds))
                    } else {
                        blocked.insert(key)
                        deliveries.append(
                            NewDelivery(
                                endpointID: endpoint.id, eventID: eventID, orderingKey: key.orderingKey, attempts: 0,
                                leaseUntil: nil))
                    }
                }
            }
            for part in stride(from: 0, to: deliveries.count, by: 1_000) {
                let written = deliveries[part..<min(part + 1_000, deliveries.count)]
                let table = engine.dialect.rows(
                    [
                        .int64("endpoint_id", written.map(\.endpointID)),
                        .int64("event_id", written.map(\.eventID)),
                        .int64("ordering_key", written.map(\.orderingKey)),
                        .int64("attempts", written.map(\.attempts)),
                        .optionalInt64("lease_until", written.map(\.leaseUntil)),
                    ], as: "d")
                let rows = try await db.raw(
                    """
                    INSERT INTO webhook_deliveries (endpoint_id, event_id, ordering_key, state, attempts,
                        next_attempt_at, give_up_at, created_at, lease_until)
                    SELECT d.endpoint_id, d.event_id, d.ordering_key, 'pending', d.attempts, \(bind: nowMS),
                        \(bind: giveUpAt), \(bind: nowMS), d.lease_until
                    FROM \(table) ORDER BY d.ord
                    RETURNING id, endpoint_id, event_id, ordering_key
                    """
                ).all()
                for row in rows {
                    let key = DeliveryKey(endpointID: try row.int64("endpoint_id"), eventID: try row.int64("event_id"))
                    guard let (event, endpoint) = leased[key] else { continue }
                    result.leased.append(
                        ClaimedWebhookDelivery(
                            id: try row.int64("id"), endpoint: endpoint, event: event,
                            orderingKey: try row.int64("ordering_key"), attempt: 1,
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

    /// A delivery about to be written: leased to the caller (with its lease's end and its first
    /// attempt counted) or not (no lease, no attempt).
    private struct NewDelivery {
        var endpointID: Int64
        var eventID: Int64
        var orderingKey: Int64
        var attempts: Int64
        var leaseUntil: Int64?
    }

    /// One delivery: an event to an endpoint.
    private struct DeliveryKey: Hashable {
        var endpointID: Int64
        var eventID: Int64
    }

    /// Which of the batch's endpoint and session pairs have a delivery pending already
    /// (webhook_deliveries_order_idx answers it).
    private func pendingKeys(
        among batch: [(event: OutgoingWebhookEvent, endpoints: [WebhookEndpoint])]
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
            keys.insert(
                OrderingKey(endpointID: try row.int64("endpoint_id"), orderingKey: try row.int64("ordering_key")))
        }
    }

    /// Deliveries of enabled endpoints that are due, in chains: up to `limit` that are next in
    /// their endpoint's and session's order, oldest first, each followed by up to `chainLimit - 1`
    /// of the same endpoint and session that are due after it, so that the chain can be sent one
    /// after another, in order. A read: ``claim(_:at:leaseUntil:)`` checks each again as it leases
    /// it, so a round that finds nothing to send takes no write.
    public func dueForClaim(at now: Date, limit: Int, chainLimit: Int = 1) async throws -> [[Int64]] {
        let nowMS = now.epochMilliseconds
        // webhook_deliveries_due_idx finds what is due; webhook_deliveries_order_idx answers
        // whether an earlier delivery of the same endpoint and session is still pending.
        let heads = try await db.raw(
            """
            SELECT d.id, d.endpoint_id, d.ordering_key FROM webhook_deliveries d
            JOIN webhook_endpoints e ON e.id = d.endpoint_id
            WHERE d.state = 'pending' AND d.next_attempt_at <= \(bind: nowMS)
                AND (d.lease_until IS NULL OR d.lease_until <= \(bind: nowMS)) AND e.enabled = 1
                AND NOT EXISTS (
                    SELECT 1 FROM webhook_deliveries p
                    WHERE p.endpoint_id = d.endpoint_id AND p.ordering_key = d.ordering_key
                        AND p.state = 'pending' AND p.id < d.id)
            ORDER BY d.next_attempt_at, d.id LIMIT \(bind: limit)
            """
        ).all().map { row in
            (
                id: try row.int64("id"),
                key: OrderingKey(endpointID: try row.int64("endpoint_id"), orderingKey: try row.int64("ordering_key"))
            )
        }
        guard chainLimit > 1, !heads.isEmpty else { return heads.map { [$0.id] } }
        var chains = Dictionary(uniqueKeysWithValues: heads.map { ($0.key, [$0.id]) })
        var open = Set(heads.map(\.key))
        let endpointIDs = Array(Set(heads.map(\.key.endpointID)))
        let sessionIDs = Array(Set(heads.map(\.key.orderingKey)))
        let followers = try await db.raw(
            """
            SELECT id, endpoint_id, ordering_key, next_attempt_at, lease_until FROM webhook_deliveries
            WHERE state = 'pending' AND \(engine.dialect.isOneOf("endpoint_id", endpointIDs))
                AND \(engine.dialect.isOneOf("ordering_key", sessionIDs))
            ORDER BY endpoint_id, ordering_key, id LIMIT \(bind: limit * chainLimit)
            """
        ).all()
        for row in followers {
            let key = OrderingKey(endpointID: try row.int64("endpoint_id"), orderingKey: try row.int64("ordering_key"))
            let id = try row.int64("id")
            guard open.contains(key), let head = chains[key]?.first, id > head else { continue }
            let leaseUntil = try row.optionalDate("lease_until")
            guard try row.date("next_attempt_at") <= now, leaseUntil.map({ $0 <= now }) ?? true else {
                open.remove(key)
                continue
            }
            chains[key]?.append(id)
            if chains[key]?.count == chainLimit { open.remove(key) }
        }
        return heads.compactMap { chains[$0.key] }
    }

    /// Leases until `leaseUntil` the chains' deliveries that are still due, unleased and next in
    /// their order (behind nothing pending but their own chain), counts the attempt, and returns
    /// them, each chain as far as it was leased without a gap. Whoever leases a delivery first
    /// has it: another instance claiming the same ids at once finds them leased. Call inside a
    /// write transaction.
    public func claim(_ chains: [[Int64]], at now: Date, leaseUntil: Date) async throws -> [ClaimedWebhookDelivery] {
        let ids = chains.flatMap { $0 }
        guard !ids.isEmpty else { return [] }
        let nowMS = now.epochMilliseconds
        let leased = Set(
            try await db.raw(
                """
                UPDATE webhook_deliveries SET lease_until = \(bind: leaseUntil.epochMilliseconds),
                    attempts = attempts + 1
                WHERE \(engine.dialect.isOneOf("id", ids)) AND state = 'pending'
                    AND next_attempt_at <= \(bind: nowMS) AND (lease_until IS NULL OR lease_until <= \(bind: nowMS))
                    AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE enabled = 1)
                    AND NOT EXISTS (
                        SELECT 1 FROM webhook_deliveries p
                        WHERE p.endpoint_id = webhook_deliveries.endpoint_id
                            AND p.ordering_key = webhook_deliveries.ordering_key
                            AND p.state = 'pending' AND p.id < webhook_deliveries.id
                            AND NOT (\(engine.dialect.isOneOf("p.id", ids))))
                RETURNING id
                """
            ).all().map { try $0.int64("id") })
        // A chain whose head went to another instance must not be sent past it: what this claim
        // leased after a gap is let go again.
        var kept: [Int64] = []
        var released: [Int64] = []
        for chain in chains {
            let unbroken = chain.prefix { leased.contains($0) }
            kept += unbroken
            released += chain.dropFirst(unbroken.count).filter { leased.contains($0) }
        }
        try await release(ids: released)
        guard !kept.isEmpty else { return [] }
        return try await db.raw(
            """
            SELECT d.id, d.endpoint_id, d.ordering_key, e.url, e.secret, ev.public_id, ev.body, d.attempts,
                d.give_up_at
            FROM webhook_deliveries d
            JOIN webhook_endpoints e ON e.id = d.endpoint_id
            JOIN webhook_events ev ON ev.id = d.event_id
            WHERE \(engine.dialect.isOneOf("d.id", kept))
            ORDER BY d.id
            """
        ).all().map(ClaimedWebhookDelivery.init(row:))
    }

    /// Lets go of leased deliveries that were not attempted (their chain stopped at a failure
    /// before them, or their sender had no room for them): they are due again at once, their
    /// attempt uncounted. With `leasedUntil`, only those still under that lease, so that one whose
    /// lease ran out and went to another instance meanwhile stays with it.
    public func release(ids: [Int64], leasedUntil lease: Date? = nil) async throws {
        for chunk in stride(from: 0, to: ids.count, by: engine.dialect.idListLimit) {
            let part = Array(ids[chunk..<min(chunk + engine.dialect.idListLimit, ids.count)])
            let stillOurs: SQLQueryString = lease.map { "AND lease_until = \(bind: $0.epochMilliseconds)" } ?? ""
            try await db.raw(
                """
                UPDATE webhook_deliveries SET lease_until = NULL, attempts = attempts - 1
                WHERE \(engine.dialect.isOneOf("id", part)) AND state = 'pending' \(stillOurs)
                """
            ).run()
        }
    }

    /// Their endpoints answered 2xx, with `status`.
    public func markDelivered(ids: [Int64], status: Int, at now: Date) async throws {
        for chunk in stride(from: 0, to: ids.count, by: engine.dialect.idListLimit) {
            let part = Array(ids[chunk..<min(chunk + engine.dialect.idListLimit, ids.count)])
            try await db.raw(
                """
                UPDATE webhook_deliveries SET state = 'delivered', last_status = \(bind: status), last_error = NULL,
                    lease_until = NULL, completed_at = \(bind: now.epochMilliseconds),
                    last_attempt_at = \(bind: now.epochMilliseconds)
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
                lease_until = NULL, last_attempt_at = \(bind: nowMS),
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
