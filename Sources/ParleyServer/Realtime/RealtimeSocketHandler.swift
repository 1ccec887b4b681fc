import Logging
import NIOCore
import NIOWebSocket
import ParleyCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a realtime socket checks and joins (the token, the chat switch and the hub), and where it
/// counts its life and its deliveries.
struct RealtimeAccess: Sendable {
    let hub: RealtimeHub
    let tokens: APITokenCache
    let settings: SettingsService
    let metrics: ParleyMetrics
    let logger: Logger
}

/// One realtime WebSocket, as a channel handler on its event loop.
///
/// An idle socket costs only its channel and this object: no task waits on it. (With a task per
/// connection, its suspended async frames alone cost some twenty kilobytes a socket.) Events
/// arrive from the hub on any thread and are written on the channel's event loop; a client whose
/// socket stops draining, so that the channel is no longer writable, is disconnected rather than
/// buffered for.
///
/// Clients only listen, but what they send must still follow RFC 6455: a frame that breaks it
/// fails the connection with the code the RFC names (1002, 1007, 1009), and data messages are
/// checked whole, then dropped. The upgrader's own error handling is off: frame errors the NIO
/// decoder finds arrive here as errors, so that every close goes through one path.
final class RealtimeSocketHandler: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    /// How long a closing socket may take to flush its close frame, and its client to answer it,
    /// before it is cut.
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
    /// A close frame was written: nothing else is, not even a pong (RFC 6455 5.5.1).
    private var isClosing = false
    /// False once the client's frames no longer matter: after its close, or after a violation.
    private var isReading = true
    private var message: InboundMessage
    private var awaitingPong = false
    private var pings: RepeatedTask?
    private var cut: Scheduled<Void>?

    init(token: String?, access: RealtimeAccess, eventLoop: any EventLoop, maxMessageSize: Int) {
        self.token = token
        self.access = access
        self.eventLoop = eventLoop
        self.message = InboundMessage(maxSize: maxMessageSize)
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
        cut?.cancel()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        leave()
        cut?.cancel()
        context.fireChannelInactive()
    }

    /// The server keeps remote half-closure on for HTTP, so a client's FIN arrives as an event
    /// rather than closing the channel. A WebSocket has no use for half a connection: the client
    /// is gone (or will send nothing more, not even its close frame), so the socket closes now
    /// instead of lingering in CLOSE-WAIT until the next ping finds the peer dead.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case .some(.inputClosed) = event as? ChannelEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        isReading = false
        leave()
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard isReading else { return }
        do {
            try receive(unwrapInboundIn(data))
        } catch {
            fail(error)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // What the decoder refuses before a frame is whole (RFC 6455 5.5, 10.4).
        switch error as? NIOWebSocketError {
        case .invalidFrameLength: fail(ProtocolViolation(.messageTooLarge, "message_too_big"))
        case .fragmentedControlFrame: fail(ProtocolViolation(.protocolError, "fragmented_control_frame"))
        case .multiByteControlFrameLength: fail(ProtocolViolation(.protocolError, "control_frame_too_long"))
        case nil: context.fireErrorCaught(error)
        }
    }

    /// Acts on one client frame, or throws what fails the connection (RFC 6455 5.1-5.5).
    private func receive(_ frame: WebSocketFrame) throws(ProtocolViolation) {
        guard frame.maskKey != nil else { throw ProtocolViolation(.protocolError, "unmasked_frame") }
        // No extension is ever negotiated, so the reserved bits must be clear.
        guard !frame.rsv1, !frame.rsv2, !frame.rsv3 else { throw ProtocolViolation(.protocolError, "reserved_bits") }
        switch frame.opcode {
        case .continuation, .text, .binary:
            try message.receive(opcode: frame.opcode, fin: frame.fin, payload: frame.unmaskedData)
        case .ping:
            write(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData))
        case .pong:
            awaitingPong = false
        case .connectionClose:
            let code = try Self.closeCode(of: frame.unmaskedData)
            isReading = false
            if isClosing {
                // The client answered the server's close: the handshake is complete.
                context?.close(promise: nil)
            } else {
                // Answer with the client's own code, then hang up.
                close(code: code, reason: nil, then: .hangUp)
            }
        default:
            throw ProtocolViolation(.protocolError, "unknown_opcode")
        }
    }

    /// Fails the connection: a close frame with the violation's code, then the TCP connection
    /// closes without waiting for the client's answer (RFC 6455 7.1.7).
    private func fail(_ violation: ProtocolViolation) {
        isReading = false
        if isClosing {
            context?.close(promise: nil)
        } else {
            close(code: violation.code, reason: violation.reason, then: .hangUp)
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
            access.metrics.socketOpened()
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
        if let userID {
            access.hub.disconnect(userID: userID, self)
            access.metrics.socketClosed()
        }
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

    /// Writes a text frame; false when none was written (closing, or dropped for being too slow).
    @discardableResult
    private func writeText(_ text: String) -> Bool {
        guard let context, !isClosing else { return false }
        guard context.channel.isWritable else {
            access.logger.notice(
                "Dropping a realtime connection that stopped reading", metadata: ["user": "\(userID ?? 0)"])
            access.metrics.slowSocketDropped()
            close(code: .goingAway, reason: "too_slow")
            return false
        }
        write(WebSocketFrame(fin: true, opcode: .text, data: context.channel.allocator.buffer(string: text)))
        return true
    }

    private func write(_ frame: WebSocketFrame) {
        guard let context, !isClosing else { return }
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    /// What the server does once its close frame is written.
    private enum AfterClose {
        /// Waits for the client's close frame, which closes the connection (RFC 6455 7.1.2).
        case awaitAnswer
        /// Closes the connection as soon as the frame is written: the client closed first, or broke the protocol.
        case hangUp
    }

    private func close(code: WebSocketErrorCode?, reason: String?, then after: AfterClose = .awaitAnswer) {
        guard let context, !isClosing else { return }
        isClosing = true
        leave()
        var data = context.channel.allocator.buffer(capacity: 2 + (reason?.utf8.count ?? 0))
        if let code {
            data.write(webSocketErrorCode: code)
            if let reason { data.writeString(reason) }
        }
        let channel = context.channel
        let written = context.writeAndFlush(
            wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)))
        if after == .hangUp { written.whenComplete { _ in channel.close(promise: nil) } }
        // A client that stopped reading never takes the close frame queued behind its unread data,
        // and one that went away never answers it: the connection is cut anyway after a short grace.
        cut = context.eventLoop.scheduleTask(in: Self.closeGrace) { Self.reset(channel) }
    }

    /// Closes with a TCP reset rather than a FIN: an ordinary close would leave the unsent data in
    /// the kernel, with the connection, for as long as the client keeps its window shut.
    private static func reset(_ channel: any Channel) {
        guard channel.isActive else { return }
        let abortive = (channel as? any SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0))
        (abortive ?? channel.eventLoop.makeSucceededVoidFuture()).whenComplete { _ in channel.close(promise: nil) }
    }
}

extension RealtimeSocketHandler: RealtimeConnection {
    func send(_ text: String) {
        eventLoop.execute {
            if self.writeText(text) { self.access.metrics.frameDelivered() }
        }
    }

    func close(_ reason: RealtimeCloseReason) {
        eventLoop.execute {
            self.close(code: reason.isGoingAway ? .goingAway : .policyViolation, reason: reason.rawValue)
        }
    }
}

// MARK: RFC 6455 rules for what a client sends

extension RealtimeSocketHandler {
    /// Why the server fails a connection: the close code and the reason sent with it.
    struct ProtocolViolation: Error, Equatable {
        let code: WebSocketErrorCode
        let reason: String

        init(_ code: WebSocketErrorCode, _ reason: String) {
            self.code = code
            self.reason = reason
        }
    }

    /// The client's data message in progress (RFC 6455 5.4, 5.6): fragments follow their first
    /// frame in order, a text message is UTF-8 as a whole, and no message is over `maxSize` bytes.
    /// Only sizes and UTF-8 state are kept, never the bytes: the server has no use for them.
    struct InboundMessage {
        let maxSize: Int
        /// `.text` or `.binary` while a fragmented message is in progress.
        private var opcode: WebSocketOpcode?
        private var size = 0
        private var utf8 = UTF8Validation()

        init(maxSize: Int) {
            self.maxSize = maxSize
        }

        mutating func receive(opcode: WebSocketOpcode, fin: Bool, payload: ByteBuffer) throws(ProtocolViolation) {
            if opcode == .continuation {
                guard self.opcode != nil else { throw ProtocolViolation(.protocolError, "unexpected_continuation") }
            } else {
                guard self.opcode == nil else { throw ProtocolViolation(.protocolError, "expected_continuation") }
                (self.opcode, size, utf8) = (opcode, 0, UTF8Validation())
            }
            size += payload.readableBytes
            guard size <= maxSize else { throw ProtocolViolation(.messageTooLarge, "message_too_big") }
            if self.opcode == .text {
                guard utf8.consume(payload.readableBytesView), !fin || utf8.isComplete else {
                    throw ProtocolViolation(.dataInconsistentWithMessage, "invalid_utf8")
                }
            }
            if fin { self.opcode = nil }
        }
    }

    /// The code of a client's close frame, nil when it carries none, or what makes the frame
    /// invalid (RFC 6455 5.5.1, 7.4): a lone byte, a code no endpoint may send, a reason that is
    /// not UTF-8.
    static func closeCode(of payload: ByteBuffer) throws(ProtocolViolation) -> WebSocketErrorCode? {
        var payload = payload
        guard payload.readableBytes > 0 else { return nil }
        guard let code = payload.readInteger(as: UInt16.self) else {
            throw ProtocolViolation(.protocolError, "invalid_close_payload")
        }
        // 1004-1006 and 1015 are reserved, never sent; 1012-1014 are registered with IANA.
        guard [1000...1003, 1007...1014, 3000...4999].contains(where: { $0.contains(code) }) else {
            throw ProtocolViolation(.protocolError, "invalid_close_code")
        }
        var utf8 = UTF8Validation()
        guard utf8.consume(payload.readableBytesView), utf8.isComplete else {
            throw ProtocolViolation(.dataInconsistentWithMessage, "invalid_utf8")
        }
        return WebSocketErrorCode(codeNumber: Int(code))
    }

    /// UTF-8 checked as it arrives (the well-formed sequences of Unicode's table 3-7), so a code
    /// point may straddle fragments and a bad byte fails at once rather than at the message's end.
    struct UTF8Validation {
        /// Continuation bytes still expected, and the range the next one must fall in.
        private var pending = 0
        private var next: ClosedRange<UInt8> = 0x80...0xBF

        /// True when no code point is left unfinished.
        var isComplete: Bool { pending == 0 }

        /// False at the first byte that cannot continue well-formed UTF-8.
        mutating func consume(_ bytes: some Sequence<UInt8>) -> Bool {
            for byte in bytes {
                if pending > 0 {
                    guard next.contains(byte) else { return false }
                    pending -= 1
                    next = 0x80...0xBF
                    continue
                }
                switch byte {
                case 0x00...0x7F: continue
                case 0xC2...0xDF: pending = 1
                case 0xE0: (pending, next) = (2, 0xA0...0xBF)  // no overlong forms
                case 0xED: (pending, next) = (2, 0x80...0x9F)  // no surrogates
                case 0xE1...0xEF: pending = 2
                case 0xF0: (pending, next) = (3, 0x90...0xBF)  // no overlong forms
                case 0xF4: (pending, next) = (3, 0x80...0x8F)  // nothing past U+10FFFF
                case 0xF1...0xF3: pending = 3
                default: return false
                }
            }
            return true
        }
    }
}
