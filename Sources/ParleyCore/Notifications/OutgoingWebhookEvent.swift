/// An event to put in the outbox for the endpoints that want it.
public struct OutgoingWebhookEvent: Sendable, Equatable {
    /// Stable for the change it reports, so writing it twice makes one event.
    public var publicID: String
    public var type: WebhookEventType
    /// Deliveries for one session go out in order; nil for none.
    public var sessionID: Int64?
    /// The whole request body, `{"id", "type", "created_at", "data"}`.
    public var body: String

    public init(publicID: String, type: WebhookEventType, sessionID: Int64?, body: String) {
        self.publicID = publicID
        self.type = type
        self.sessionID = sessionID
        self.body = body
    }
}
