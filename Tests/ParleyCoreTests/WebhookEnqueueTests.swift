import Foundation
import ParleyTestSupport
import PostgresNIO
import SQLKit
import Testing

@testable import ParleyCore

/// ``WebhookDeliveryRepository/enqueue(_:at:retryingFor:leaseUntil:chainLimit:)`` writes a batch of
/// events and their deliveries in a statement each, on both engines.
@Suite("Webhook events written in a batch")
struct WebhookEnqueueTests {
    @Test func anEventWithoutASessionAndADeliveryNotLeasedAreStoredWithNulls() async throws {
        try await ChatTestContext.run { context in
            let database = context.database
            let endpoint = try await WebhookService(database: database).add(
                url: "https://crm.example.com/hook", events: "message.created")
            let event = OutgoingWebhookEvent(
                publicID: "evt_no_session", type: .messageCreated, sessionID: nil, body: #"{"id":"evt_no_session"}"#)
            let result = try await database.write { db in
                try await WebhookDeliveryRepository(db, engine: database.engine).enqueue(
                    [(event, [endpoint])], at: Date(), retryingFor: .seconds(60))
            }
            #expect(result.made == 1)
            #expect(result.leased.isEmpty)
            let row = try #require(
                try await database.read { db in
                    try await db.raw(
                        """
                        SELECT e.chat_session_id, e.body, d.lease_until, d.attempts, d.ordering_key
                        FROM webhook_events e JOIN webhook_deliveries d ON d.event_id = e.id
                        WHERE e.public_id = 'evt_no_session'
                        """
                    ).first()
                })
            #expect(try row.decode(column: "chat_session_id", as: Int64?.self) == nil)
            #expect(try row.decode(column: "lease_until", as: Int64?.self) == nil)
            #expect(try row.int64("attempts") == 0)
            #expect(try row.int64("ordering_key") == 0)
            #expect(try row.string("body") == #"{"id":"evt_no_session"}"#)
        }
    }

    @Test func leasedDeliveriesComeBackInOrderWithTheirLeaseStored() async throws {
        try await ChatTestContext.run { context in
            let database = context.database
            let endpoint = try await WebhookService(database: database).add(
                url: "https://crm.example.com/hook", events: "message.created")
            let (_, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let events = (1...3).map { index in
                OutgoingWebhookEvent(
                    publicID: "evt_lease_\(index)", type: .messageCreated, sessionID: session.id,
                    body: #"{"n":\#(index)}"#)
            }
            let lease = Date(epochMilliseconds: 4_102_444_800_000)
            let result = try await database.write { db in
                try await WebhookDeliveryRepository(db, engine: database.engine).enqueue(
                    events.map { ($0, [endpoint]) }, at: Date(), retryingFor: .seconds(60), leaseUntil: lease,
                    chainLimit: 2)
            }
            // Two fit the chain; the third waits for a claim, unleased.
            #expect(result.made == 3)
            #expect(result.leased.map(\.eventID) == ["evt_lease_1", "evt_lease_2"])
            let leases = try await database.read { db in
                try await db.raw(
                    """
                    SELECT d.lease_until FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
                    WHERE e.public_id LIKE 'evt_lease_%' ORDER BY d.id
                    """
                ).all().map { try $0.decode(column: "lease_until", as: Int64?.self) }
            }
            #expect(leases == [lease.epochMilliseconds, lease.epochMilliseconds, nil])
        }
    }
    @Test func lettingGoUnderALeaseLeavesADeliveryLeasedSinceToAnotherInstance() async throws {
        try await ChatTestContext.run { context in
            let database = context.database
            let endpoint = try await WebhookService(database: database).add(
                url: "https://crm.example.com/hook", events: "message.created")
            let event = OutgoingWebhookEvent(
                publicID: "evt_let_go", type: .messageCreated, sessionID: nil, body: #"{"id":"evt_let_go"}"#)
            let ours = Date(epochMilliseconds: 4_102_444_800_000)
            let theirs = ours.addingTimeInterval(60)
            let id = try #require(
                try await database.write { db in
                    try await WebhookDeliveryRepository(db, engine: database.engine).enqueue(
                        [(event, [endpoint])], at: Date(), retryingFor: .seconds(60), leaseUntil: theirs)
                }.leased.first?.id)
            func leaseAndAttempts() async throws -> [Int64?] {
                try await database.read { db in
                    let row = try #require(
                        try await db.raw("SELECT lease_until, attempts FROM webhook_deliveries WHERE id = \(bind: id)")
                            .first())
                    return [try row.decode(column: "lease_until", as: Int64?.self), try row.int64("attempts")]
                }
            }
            try await database.write { db in
                try await WebhookDeliveryRepository(db, engine: database.engine).release(ids: [id], leasedUntil: ours)
            }
            #expect(try await leaseAndAttempts() == [theirs.epochMilliseconds, 1])
            try await database.write { db in
                try await WebhookDeliveryRepository(db, engine: database.engine).release(ids: [id], leasedUntil: theirs)
            }
            #expect(try await leaseAndAttempts() == [nil, 0])
        }
    }

    /// On PostgreSQL two transactions could write deliveries of one endpoint and session at once,
    /// each blind to the other's until it commits: the second would lease its own as if nothing
    /// were pending, and it could go out first. The second now waits for the first to end.
    @Test func aSecondWriterOfDeliveriesWaitsForTheFirstAndLeasesNothingBehindItsPendingOne() async throws {
        try await ChatTestContext.run { context in
            let database = context.database
            // SQLite has one writer: the second transaction cannot start before the first ends.
            guard database.engine == .postgres else { return }
            let endpoint = try await WebhookService(database: database).add(
                url: "https://crm.example.com/hook", events: "message.created")
            let (_, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            func event(_ name: String) -> OutgoingWebhookEvent {
                OutgoingWebhookEvent(
                    publicID: name, type: .messageCreated, sessionID: session.id, body: #"{"id":"\#(name)"}"#)
            }
            let lease = Date(epochMilliseconds: 4_102_444_800_000)
            try await database.withDedicatedConnection { holder in
                try await holder.sql().raw("BEGIN").run()
                let first = try await WebhookDeliveryRepository(holder.sql(), engine: .postgres).enqueue(
                    [(event("evt_first_writer"), [endpoint])], at: Date(), retryingFor: .seconds(60), leaseUntil: lease)
                #expect(first.leased.count == 1)
                let second = Task {
                    try await database.write { db in
                        try await WebhookDeliveryRepository(db, engine: .postgres).enqueue(
                            [(event("evt_second_writer"), [endpoint])], at: Date(), retryingFor: .seconds(60),
                            leaseUntil: lease)
                    }
                }
                let waited = try await Self.someoneWaitsForALockSoon(in: database)
                try await holder.sql().raw("COMMIT").run()
                let result = try await second.value
                #expect(waited)
                #expect(result.made == 1)
                #expect(result.leased.isEmpty)
            }
            let order = try await database.read { db in
                try await db.raw(
                    """
                    SELECT e.public_id FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
                    WHERE e.public_id LIKE 'evt_%_writer' ORDER BY d.id
                    """
                ).all().map { try $0.string("public_id") }
            }
            #expect(order == ["evt_first_writer", "evt_second_writer"])
        }
    }

    /// Whether a backend of this database waits for a lock within 5 s.
    static func someoneWaitsForALockSoon(in database: Database) async throws -> Bool {
        try await database.withDedicatedConnection { probe in
            try await eventually(within: 5) {
                let waiting = try await probe.sql().raw(
                    """
                    SELECT COUNT(*) AS n FROM pg_stat_activity
                    WHERE datname = current_database() AND wait_event_type = 'Lock'
                    """
                ).first()?.decode(column: "n", as: Int64.self)
                return (waiting ?? 0) > 0
            }
        }
    }
}
