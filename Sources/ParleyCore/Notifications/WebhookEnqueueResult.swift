/// What writing a batch of events to the webhook outbox made.
public struct WebhookEnqueueResult: Sendable, Equatable {
    /// Deliveries written, leased or not.
    public var made = 0
    /// Deliveries written already leased to the writer, which is to attempt them at once; in id order.
    public var leased: [ClaimedWebhookDelivery] = []

    public init() {}
}
