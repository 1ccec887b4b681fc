import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// Each accepted connection: HTTP/1.1 for the router, or, for an upgrade request to the realtime
/// path, a WebSocket handled by ``RealtimeSocketHandler`` on the event loop.
///
/// It follows hummingbird-websocket's `HTTP1WebSocketUpgradeChannel`, except that an upgraded
/// socket is not handed to an async handler that holds a task for the socket's whole life: idle
/// sockets are most of a chat server's connections, and the task was most of their memory.
struct RealtimeServerChannel: ServerChildChannel, HTTPChannelHandler {
    static let path = AppPath.API.base + "/" + AppPath.API.realtime

    enum UpgradeResult: Sendable {
        case realtime
        case notUpgraded(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case failedUpgrade(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
    }

    struct Value: ServerChildChannelValue {
        let upgradeResult: EventLoopFuture<UpgradeResult>
        let channel: any Channel
    }

    let responder: HTTPChannelHandler.Responder
    let access: RealtimeAccess
    let maxFrameSize: Int
    let limits: ConnectionLimits
    let connections: ClientConnectionCounter

    init(
        responder: @escaping HTTPChannelHandler.Responder, access: RealtimeAccess, maxFrameSize: Int = 1 << 14,
        limits: ConnectionLimits = .init()
    ) {
        self.responder = Self.redirectingLateUpgrades(responder)
        self.access = access
        self.maxFrameSize = maxFrameSize
        self.limits = limits
        self.connections = ClientConnectionCounter(maximum: limits.maxPerClient)
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            // Deadlines and the per-address allowance watch the connection from its first byte.
            let guardian = ConnectionGuard(limits: limits, channel: channel, logger: logger)
            try channel.pipeline.syncOperations.addHandler(
                ConnectionByteWatcher(guardian: guardian, counter: connections, limits: limits, channel: channel),
                position: .first)
            let upgradeAttempted = NIOLoopBoundBox(false, eventLoop: channel.eventLoop)
            let access = self.access
            let upgrader = NIOTypedWebSocketServerUpgrader<UpgradeResult>(
                maxFrameSize: maxFrameSize,
                enableAutomaticErrorHandling: false,  // RealtimeSocketHandler answers frame errors itself
                shouldUpgrade: { channel, head in
                    upgradeAttempted.value = true
                    let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
                    return channel.eventLoop.makeSucceededFuture(path == Self.path ? HTTPHeaders() : nil)
                },
                upgradePipelineHandler: { channel, head in
                    channel.eventLoop.makeCompletedFuture {
                        // A WebSocket keeps its own pings; the HTTP deadlines end here.
                        channel.pipeline.removeHandler(name: ConnectionHTTPWatcher.name, promise: nil)
                        channel.pipeline.removeHandler(name: WebSocketHandshakeCheck.name, promise: nil)
                        let handler = RealtimeSocketHandler(
                            token: Self.token(in: head), access: access, eventLoop: channel.eventLoop,
                            maxMessageSize: maxFrameSize)
                        try channel.pipeline.syncOperations.addHandler(handler)
                        return UpgradeResult.realtime
                    }
                }
            )
            let upgrades = NIOTypedHTTPServerUpgradeConfiguration(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                        try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(logger: logger))
                        let asyncChannel = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: channel,
                            configuration: .init(isOutboundHalfClosureEnabled: true))
                        return upgradeAttempted.value
                            ? UpgradeResult.failedUpgrade(asyncChannel) : UpgradeResult.notUpgraded(asyncChannel)
                    }
                }
            )
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration<UpgradeResult>(
                upgradeConfiguration: upgrades)
            configuration.enablePipelining = false  // NIOAsyncChannel pipelines HTTP
            configuration.enableErrorHandling = false  // Hummingbird handles errors
            configuration.enableResponseHeaderValidation = false  // swift-http-types validates headers
            let result = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(
                configuration: configuration)
            let decoder = try channel.pipeline.syncOperations.handler(
                type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            let watcher = ConnectionHTTPWatcher(guardian: guardian)
            try channel.pipeline.syncOperations.addHandler(
                watcher, name: ConnectionHTTPWatcher.name, position: .after(decoder))
            try channel.pipeline.syncOperations.addHandler(
                WebSocketHandshakeCheck(), name: WebSocketHandshakeCheck.name, position: .after(watcher))
            return Value(upgradeResult: result, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.upgradeResult.get() {
            case .realtime:
                // The socket's handler owns it from here; nothing waits on it.
                return
            case .notUpgraded(let http1):
                await handleHTTP(asyncChannel: http1, logger: logger)
            case .failedUpgrade(let http1):
                try await http1.executeThenClose { _, outbound in
                    let head = HTTPResponse(
                        status: .badRequest, headerFields: [.connection: "close", .contentLength: "0"])
                    try await outbound.write(contentsOf: [.head(head), .end(nil)])
                }
            }
        } catch {
            logger.debug("Connection ended during setup", metadata: ["error": "\(error)"])
        }
    }

    /// The bearer token of an upgrade request: the Authorization header, or `?token=` for clients
    /// (browsers) that cannot set headers on a WebSocket.
    static func token(in head: HTTPRequestHead) -> String? {
        if let token = head.headers["authorization"].first.flatMap(BearerToken.parse) { return token }
        guard let query = head.uri.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0] == "token" { return String(parts[1]).removingPercentEncoding }
        }
        return nil
    }

    /// An upgrade request on a connection that already served plain HTTP cannot be upgraded there;
    /// redirect it to the same address on a fresh connection, as hummingbird-websocket does.
    static func redirectingLateUpgrades(
        _ responder: @escaping HTTPChannelHandler.Responder
    ) -> HTTPChannelHandler.Responder {
        struct RedirectThenClose: Error {}
        return { request, writer, channel in
            guard request.headers[.upgrade]?.lowercased() == "websocket" else {
                try await responder(request, writer, channel)
                return
            }
            var path = request.uri.path
            if let query = request.uri.query { path += "?\(query)" }
            try await writer.writeResponse(
                HTTPResponse(status: .temporaryRedirect, headerFields: [.connection: "close", .location: path]))
            throw RedirectThenClose()
        }
    }
}
