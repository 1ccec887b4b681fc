import NIOCore
import NIOHTTP1

/// Sits right after the HTTP decoder and tells the connection's ``ConnectionGuard`` where each
/// request and response stands. Removed when the connection becomes a WebSocket, whose bytes it
/// could not read.
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

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            guardian.update { deadlines, now in deadlines.responseEnded(at: now) }
        }
        context.write(data, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        guardian.update { deadlines, _ in deadlines.upgraded() }
    }
}
