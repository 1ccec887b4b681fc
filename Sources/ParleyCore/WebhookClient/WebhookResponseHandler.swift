import NIOCore
import NIOHTTP1

/// The end of a webhook connection's pipeline: writes one request at a time, reads its answer
/// (dropping the body), and completes the request's promise with the status once the answer is
/// whole, or fails it when the time runs out, the connection closes or an error comes first. Every
/// outcome lets go of the promise before completing it, so it is completed once. Used only on the
/// channel's event loop.
final class WebhookResponseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    struct Answer: Sendable {
        let status: Int
        /// Whether the receiver lets the connection serve another request.
        let keepAlive: Bool
    }

    private var pending: EventLoopPromise<Answer>?
    private var deadline: Scheduled<Void>?
    private var head: HTTPResponseHead?
    private var context: ChannelHandlerContext?

    /// Writes a request with its whole body; `promise` gets the answer, or fails with
    /// ``WebhookPostError/noAnswer(within:)`` when none is whole within `timeout`.
    func send(_ head: HTTPRequestHead, body: ByteBuffer, timeout: Duration, promise: EventLoopPromise<Answer>) {
        guard let context, pending == nil else { return promise.fail(WebhookPostError.closedBeforeAnswer) }
        pending = promise
        self.head = nil
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
            self.fail(WebhookPostError.noAnswer(within: timeout))
        }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        // A write fails when the connection closed under it: the request did not get through whole.
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenFailure { _ in
            self.fail(WebhookPostError.closedBeforeAnswer)
        }
    }

    /// Fails the request in flight, if any, and closes the connection.
    func fail(_ error: any Error) {
        if let promise = takePending() { promise.fail(error) }
        context?.close(promise: nil)
    }

    private func takePending() -> EventLoopPromise<Answer>? {
        defer {
            pending = nil
            deadline?.cancel()
            deadline = nil
        }
        return pending
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            // An answer nobody asked for (a server's 408 before it closes an idle connection).
            guard pending != nil else { return fail(WebhookPostError.closedBeforeAnswer) }
            self.head = head
        case .body:
            break
        case .end:
            guard pending != nil, let head else { return fail(WebhookPostError.closedBeforeAnswer) }
            self.head = nil
            takePending()?.succeed(Answer(status: Int(head.status.code), keepAlive: head.isKeepAlive))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(WebhookPostError.closedBeforeAnswer)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset before any answer is a receiver closing the connection (one kept alive is then
        // replaced); anything else, a TLS failure say, is reported as it is.
        if error is IOError, head == nil {
            fail(WebhookPostError.closedBeforeAnswer)
        } else {
            fail(WebhookPostError.failed("\(error)"))
        }
    }
}
