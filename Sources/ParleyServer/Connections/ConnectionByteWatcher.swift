import Logging
import NIOCore

/// First in every connection's pipeline: admits the connection against its address's allowance,
/// and tells the connection's ``ConnectionGuard`` when bytes arrive, when the client stops
/// reading, and when the server begins to stop. It passes the connection's bytes on untouched, so
/// it can stay after a WebSocket upgrade.
///
/// The server's stop signal (NIO's `ChannelShouldQuiesceEvent`) ends here. Passed on, it would
/// reach Hummingbird's connection handler, which closes an idle connection at once and ends a busy
/// one after its response without saying so: a request the client writes at that moment is lost
/// with the connection. Instead the guard keeps an idle connection a little while and
/// ``ConnectionHTTPWatcher`` answers each request with `Connection: close` and then closes.
final class ConnectionByteWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let guardian: ConnectionGuard
    private let counter: ClientConnectionCounter
    /// The address counted for this connection; nil when it is exempt or was refused.
    private var counted: String?
    private var refused = false

    init(guardian: ConnectionGuard, counter: ClientConnectionCounter, limits: ConnectionLimits, channel: any Channel) {
        self.guardian = guardian
        self.counter = counter
        if let address = channel.remoteAddress?.ipAddress, !limits.trustedProxies.contains(address) {
            if counter.admit(address) { counted = address } else { refused = true }
        }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if refused, context.channel.isActive { context.close(promise: nil) }
        guardian.update { _, _ in }
    }

    func channelActive(context: ChannelHandlerContext) {
        if refused {
            context.close(promise: nil)
            return
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guardian.update { deadlines, now in deadlines.bytesArrived(at: now) }
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        guardian.update { deadlines, now in deadlines.drain(at: now) }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        let isWritable = context.channel.isWritable
        guardian.update { deadlines, now in deadlines.writabilityChanged(isWritable: isWritable, at: now) }
        context.fireChannelWritabilityChanged()
    }

    private func release() {
        guardian.stop()
        if let counted {
            counter.release(counted)
            self.counted = nil
        }
    }
}
