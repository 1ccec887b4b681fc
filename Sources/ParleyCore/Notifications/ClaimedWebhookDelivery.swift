import Foundation
import SQLKit

/// A delivery an instance has leased and is about to attempt, with all it needs to send it: claimed
/// when due, or written already leased by the instance that queued it.
public struct ClaimedWebhookDelivery: Sendable, Equatable {
    public var id: Int64
    public var endpointID: Int64
    /// The delivery's session (0 for none): one endpoint's deliveries with the same key go out in order.
    public var orderingKey: Int64
    public var url: String
    public var secret: String
    public var eventID: String
    public var body: String
    /// Attempts including this one.
    public var attempt: Int
    /// After this, a failure is final.
    public var giveUpAt: Date

    init(
        id: Int64, endpoint: WebhookEndpoint, event: OutgoingWebhookEvent, orderingKey: Int64, attempt: Int,
        giveUpAt: Date
    ) {
        self.id = id
        endpointID = endpoint.id
        self.orderingKey = orderingKey
        url = endpoint.url
        secret = endpoint.secret
        eventID = event.publicID
        body = event.body
        self.attempt = attempt
        self.giveUpAt = giveUpAt
    }

    init(row: any SQLRow) throws {
        id = try row.int64("id")
        endpointID = try row.int64("endpoint_id")
        orderingKey = try row.int64("ordering_key")
        url = try row.string("url")
        secret = try row.string("secret")
        eventID = try row.string("public_id")
        body = try row.string("body")
        attempt = Int(try row.int64("attempts"))
        giveUpAt = try row.date("give_up_at")
    }
}
