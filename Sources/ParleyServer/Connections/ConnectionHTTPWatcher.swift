import NIOCore
import NIOHTTP1

/// Sits right after the HTTP decoder and tells the connection's ``ConnectionGuard`` where each
/// request and response stands. Once the server has begun to stop, it marks each response
/// `Connection: close` and closes the connection when the response has been sent. Removed when the
/// connection becomes a WebSocket, whose bytes it could not read.
final class ConnectionHTTPWatcher: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    static let name = "parley-connection-http-watcher"

    private let guardian: ConnectionGuard

    init(guardian: ConnectionGuard) {
        self.guardian = guardian
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: guardian.update { deadlines, now in deadlines.requestHeadArrived(at: now) }
        case .body: break
        case .end: guardian.update { deadlines, _ in deadlines.requestEnded() }
        }
        context.fireChannelRead(data)
    }

    /// The response being written says `Connection: close`: the connection ends after it.
    private var closesAfterResponse = false

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where guardian.isDraining:
            head.headers.replaceOrAdd(name: "connection", value: "close")
            closesAfterResponse = true
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .head:
            // A response whose head went out before the server began to stop keeps its connection;
            // the client's next request there is answered with `Connection: close`.
            closesAfterResponse = false
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            guardian.update { deadlines, now in deadlines.responseEnded(at: now) }
            guard closesAfterResponse else {
                context.write(data, promise: promise)
                return
            }
            let written = promise ?? context.eventLoop.makePromise()
            context.writeAndFlush(data, promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        guardian.update { deadlines, _ in deadlines.upgraded() }
    }
}
