import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// An HTTP/1.1 server on loopback, at the level of connections: it counts the connections it
/// accepts and how many are open at once, and answers each request as a test scripts it, including
/// ways a real receiver misbehaves (closing a kept-alive connection, never answering).
final class ScriptedHTTPServer: Sendable {
    enum Answer: Sendable {
        /// The status, with a body when given, keeping the connection open.
        case status(Int, body: String? = nil)
        /// The status with `Connection: close`, then the connection closed.
        case statusThenClose(Int)
        /// The status without saying so, then the connection closed (as a server whose keep-alive
        /// time ran out just then).
        case statusThenSilentClose(Int)
        /// The status after a pause.
        case delayed(Int, TimeAmount)
        /// No answer at all.
        case silence
    }

    private struct Counts {
        var requests = 0
        var accepted = 0
        var open = 0
        var mostOpen = 0
    }

    private let counts = NIOLockedValueBox(Counts())
    /// Given the number of requests so far (this one included), how to answer.
    private let script: @Sendable (Int) -> Answer
    private let tls: NIOSSLContext?

    /// With `certificate` (a PEM file and its key), the server speaks TLS.
    init(
        certificate: (file: String, key: String)? = nil,
        _ script: @escaping @Sendable (Int) -> Answer = { _ in .status(204) }
    ) throws {
        self.script = script
        tls = try certificate.map { certificate in
            try NIOSSLContext(
                configuration: .makeServerConfiguration(
                    certificateChain: try NIOSSLCertificate.fromPEMFile(certificate.file).map { .certificate($0) },
                    privateKey: .privateKey(try NIOSSLPrivateKey(file: certificate.key, format: .pem))))
        }
    }

    var requests: Int { counts.withLockedValue(\.requests) }
    var connectionsAccepted: Int { counts.withLockedValue(\.accepted) }
    var mostConnectionsOpenAtOnce: Int { counts.withLockedValue(\.mostOpen) }

    /// Returns once every connection made to the server has closed (fails after 30 s).
    func untilNoConnectionIsOpen() async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while counts.withLockedValue({ $0.open > 0 }) {
            guard ContinuousClock.now < deadline else { throw ConnectionsStayedOpen() }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    struct ConnectionsStayedOpen: Error {}

    /// Serves on a free port for as long as `body` runs; `body` gets the URL of `/hook` (on `host`).
    func serve(host: String = "127.0.0.1", _ body: (String) async throws -> Void) async throws {
        let tls = self.tls
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] child in
                child.eventLoop.makeCompletedFuture {
                    if let tls { try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try child.pipeline.syncOperations.configureHTTPServerPipeline()
                    try child.pipeline.syncOperations.addHandler(Handler(server: self))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        try await body("\(tls == nil ? "http" : "https")://\(host):\(server.localAddress!.port!)/hook")
    }

    private func opened() {
        counts.withLockedValue {
            $0.accepted += 1
            $0.open += 1
            $0.mostOpen = max($0.mostOpen, $0.open)
        }
    }

    private func closed() {
        counts.withLockedValue { $0.open -= 1 }
    }

    private func nextAnswer() -> Answer {
        script(
            counts.withLockedValue {
                $0.requests += 1; return $0.requests
            })
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let server: ScriptedHTTPServer

        init(server: ScriptedHTTPServer) {
            self.server = server
        }

        func channelActive(context: ChannelHandlerContext) {
            server.opened()
            context.fireChannelActive()
        }

        func channelInactive(context: ChannelHandlerContext) {
            server.closed()
            context.fireChannelInactive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            switch server.nextAnswer() {
            case .status(let code, let body):
                respond(context, code, body: body, headers: [], thenClose: false)
            case .statusThenClose(let code):
                respond(context, code, body: nil, headers: [("Connection", "close")], thenClose: true)
            case .statusThenSilentClose(let code):
                respond(context, code, body: nil, headers: [], thenClose: true)
            case .delayed(let code, let pause):
                context.eventLoop.assumeIsolated().scheduleTask(in: pause) {
                    self.respond(context, code, body: nil, headers: [], thenClose: false)
                }
            case .silence:
                break
            }
        }

        private func respond(
            _ context: ChannelHandlerContext, _ code: Int, body: String?, headers: [(String, String)], thenClose: Bool
        ) {
            var head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: code))
            if body != nil {
                // Chunked, so the client must read the body to find the answer's end.
                head.headers.add(name: "Transfer-Encoding", value: "chunked")
            } else {
                head.headers.add(name: "Content-Length", value: "0")
            }
            for (name, value) in headers { head.headers.add(name: name, value: value) }
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            if let body { context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil) }
            let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            if thenClose {
                written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            }
        }
    }
}
