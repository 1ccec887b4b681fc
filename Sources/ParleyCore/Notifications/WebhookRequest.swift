/// What every webhook delivery's request carries besides `Host` and `Content-Length`, in one place
/// for the sender and for the benchmark that must send the same request.
public enum WebhookRequest {
    public static func headers(eventID: String, signature: String) -> [(String, String)] {
        [
            ("Content-Type", "application/json"), ("User-Agent", "Parley-Webhooks/1"),
            ("Parley-Event-Id", eventID), (WebhookSignature.headerName, signature),
        ]
    }
}
