import Foundation
import ParleyTestSupport
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
}
