import NIOCore
import NIOHTTP1

/// Answers a WebSocket upgrade request that NIO's upgrader would refuse without a word: a version
/// other than 13 gets 426 with `Sec-WebSocket-Version: 13`, as RFC 6455 (4.4) asks, and a missing
/// or malformed `Sec-WebSocket-Key` gets 400; the connection is closed after either. Sits before
/// the upgrade handler and is removed once a socket is upgraded.
final class WebSocketHandshakeCheck: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let name = "parley-websocket-handshake-check"

    private var refusing = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refusing else { return }  // the rest of a refused request
        if case .head(let head) = unwrapInboundIn(data), let status = Self.refusal(of: head) {
            refusing = true
            var headers = HTTPHeaders([("Connection", "close"), ("Content-Length", "0")])
            if status == .upgradeRequired { headers.add(name: "Sec-WebSocket-Version", value: "13") }
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
                promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
            return
        }
        context.fireChannelRead(data)
    }

    /// The status a malformed upgrade request is refused with; nil for anything else.
    static func refusal(of head: HTTPRequestHead) -> HTTPResponseStatus? {
        guard head.headers["upgrade"].contains(where: { $0.lowercased() == "websocket" }) else { return nil }
        guard head.headers["sec-websocket-version"].first?.trimmingCharacters(in: .whitespaces) == "13" else {
            return .upgradeRequired
        }
        guard let key = head.headers["sec-websocket-key"].first?.trimmingCharacters(in: .whitespaces),
            key.utf8.count == 24, key.hasSuffix("==")
        else { return .badRequest }
        return nil
    }
}
