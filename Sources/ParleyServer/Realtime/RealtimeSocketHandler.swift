import Logging
import NIOCore
import NIOWebSocket
import ParleyCore

/// What a realtime socket checks and joins: the token, the chat switch and the hub.
struct RealtimeAccess: Sendable {
    let hub: RealtimeHub
    let tokens: APITokenCache
    let settings: SettingsService
    let logger: Logger
}

/// One realtime WebSocket, as a channel handler on its event loop.
///
/// An idle socket costs only its channel and this object: no task waits on it. (With a task per
/// connection, its suspended async frames alone cost some twenty kilobytes a socket.) Events
/// arrive from the hub on any thread and are written on the channel's event loop; a client whose
/// socket stops draining, so that the channel is no longer writable, is disconnected rather than
/// buffered for.
final class RealtimeSocketHandler: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    /// How long a closing socket may take to flush its close frame before it is cut.
    static let closeGrace = TimeAmount.seconds(2)
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    static let pingInterval = TimeAmount.seconds(30)

    private let token: String?
    private let access: RealtimeAccess
    private let eventLoop: any EventLoop

    // Touched on the event loop only.
    private var context: ChannelHandlerContext?
    private var userID: Int64?
    private var isClosing = false
    private var awaitingPong = false
    private var pings: RepeatedTask?

    init(token: String?, access: RealtimeAccess, eventLoop: any EventLoop) {
        self.token = token
        self.access = access
        self.eventLoop = eventLoop
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let (token, access) = (self.token, self.access)
        // The checks read the database, so they run in a short task; the socket stays quiet meanwhile.
        Task {
            let verdict: Result<Int64, AdmissionRefused>
            do {
                if let token, let user = try await access.tokens.user(for: token) {
                    verdict = try await access.settings.isChatEnabled() ? .success(user.id) : .failure(.chatDisabled)
                } else {
                    verdict = .failure(.unauthorized)
                }
            } catch {
                access.logger.error("Realtime sign-in check failed", metadata: ["error": "\(error)"])
                verdict = .failure(.unavailable)
            }
            self.eventLoop.execute { self.admit(verdict) }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        leave()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        leave()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        // RFC 6455 5.1: a server must fail the connection when a client frame is not masked.
        guard frame.maskKey != nil else {
            close(code: .protocolError, reason: "unmasked_frame")
            return
        }
        switch frame.opcode {
        case .ping:
            write(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData))
        case .pong:
            awaitingPong = false
        case .connectionClose:
            // Answer with the client's own code, then hang up.
            var data = frame.unmaskedData
            let code = data.readWebSocketErrorCode() ?? .normalClosure
            close(code: code, reason: nil)
        default:
            // Clients only listen; anything they send is ignored.
            break
        }
    }

    // MARK: RealtimeConnection

    private enum AdmissionRefused: Error {
        case unauthorized, chatDisabled, unavailable
    }

    private func admit(_ verdict: Result<Int64, AdmissionRefused>) {
        guard let context, !isClosing, context.channel.isActive else { return }
        switch verdict {
        case .failure(.unauthorized): close(code: .policyViolation, reason: "unauthorized")
        case .failure(.chatDisabled): close(code: .policyViolation, reason: "chat_disabled")
        case .failure(.unavailable): close(code: .unexpectedServerError, reason: "unavailable")
        case .success(let userID):
            guard access.hub.connect(userID: userID, self) else {
                close(code: .policyViolation, reason: "too_many_connections")
                return
            }
            self.userID = userID
            // Everything after this frame is delivered, so a client knows when it is caught up.
            writeText(#"{"data":{"user_id":\#(userID)},"type":"connection.ready"}"#)
            pings = context.eventLoop.scheduleRepeatedTask(
                initialDelay: Self.pingInterval, delay: Self.pingInterval
            ) { _ in self.ping() }
        }
    }

    private func leave() {
        pings?.cancel()
        pings = nil
        if let userID { access.hub.disconnect(userID: userID, self) }
        userID = nil
    }

    private func ping() {
        guard !awaitingPong else {
            close(code: .goingAway, reason: "ping_timeout")
            return
        }
        awaitingPong = true
        write(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer()))
    }

    private func writeText(_ text: String) {
        guard let context, !isClosing else { return }
        guard context.channel.isWritable else {
            access.logger.notice(
                "Dropping a realtime connection that stopped reading", metadata: ["user": "\(userID ?? 0)"])
            close(code: .goingAway, reason: "too_slow")
            return
        }
        write(WebSocketFrame(fin: true, opcode: .text, data: context.channel.allocator.buffer(string: text)))
    }

    private func write(_ frame: WebSocketFrame) {
        guard let context, !isClosing else { return }
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    private func close(code: WebSocketErrorCode, reason: String?) {
        guard let context, !isClosing else { return }
        isClosing = true
        leave()
        var data = context.channel.allocator.buffer(capacity: 2 + (reason?.utf8.count ?? 0))
        data.write(webSocketErrorCode: code)
        if let reason { data.writeString(reason) }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)))
            .whenComplete { _ in channel.close(promise: nil) }
        // A client that stopped reading never takes the close frame queued behind its unread data:
        // the connection closes anyway after a short grace, and with it the memory it held.
        context.eventLoop.scheduleTask(in: Self.closeGrace) { channel.close(promise: nil) }
    }
}

extension RealtimeSocketHandler: RealtimeConnection {
    func send(_ text: String) {
        eventLoop.execute { self.writeText(text) }
    }

    func close(reason: String) {
        eventLoop.execute { self.close(code: .policyViolation, reason: reason) }
    }
}
