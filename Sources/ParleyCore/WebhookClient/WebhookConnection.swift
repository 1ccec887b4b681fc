import NIOCore
import NIOHTTP1

/// One connection to a webhook receiver, kept alive between deliveries and used for one request at
/// a time.
struct WebhookConnection: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<WebhookResponseHandler>
    /// Whether it has served a request before: a receiver may have closed it meanwhile.
    var isReused = false

    /// Writes the request and returns the answer's status and whether the connection may serve
    /// another; throws a ``WebhookPostError``, having closed the connection, when no whole answer
    /// came within `timeout`.
    func send(
        _ head: HTTPRequestHead, body: ByteBuffer, timeout: Duration
    ) async throws
        -> WebhookResponseHandler
        .Answer
    {
        let promise = channel.eventLoop.makePromise(of: WebhookResponseHandler.Answer.self)
        let handler = self.handler
        channel.eventLoop.execute {
            handler.value.send(head, body: body, timeout: timeout, promise: promise)
        }
        return try await promise.futureResult.get()
    }
}
