import ArgumentParser
import AsyncHTTPClient
import NIOCore
import ParleyCore

/// The HTTP client that sends the benchmark's messages: POSTs of a small JSON body whose answer
/// only matters by its status.
///
/// The load tool runs on the same cores as the server it measures, so every microsecond it spends
/// per request is taken from the server. Parley's own ``WebhookHTTPClient`` (HTTP/1.1, kept-alive
/// connections, the answer read and dropped) costs about half the CPU per post of
/// AsyncHTTPClient (`parley-bench webhook-client`, BENCHMARKS.md); AsyncHTTPClient stays
/// selectable, to compare with figures taken before.
final class SendClient: Sendable {
    enum Kind: String, ExpressibleByArgument, Sendable {
        case lean
        case asyncHTTPClient = "async-http-client"
    }

    private enum Backend {
        case lean(WebhookHTTPClient)
        case asyncHTTPClient(HTTPClient)
    }

    private let backend: Backend
    private let timeout = Duration.seconds(30)

    /// A client keeping up to `connections` connections to the server.
    init(_ kind: Kind, connections: Int) {
        switch kind {
        case .lean:
            backend = .lean(WebhookHTTPClient(connectionsPerOrigin: connections, idleTimeout: .seconds(60)))
        case .asyncHTTPClient:
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool = .init(
                idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
            backend = .asyncHTTPClient(HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration))
        }
    }

    /// POSTs `body` and returns the answer's status code.
    func post(url: String, headers: [(String, String)], body: String) async throws -> Int {
        switch backend {
        case .lean(let client):
            return try await client.post(url: url, headers: headers, body: ByteBuffer(string: body), timeout: timeout)
        case .asyncHTTPClient(let client):
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            request.body = .bytes(ByteBuffer(string: body))
            let response = try await client.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 16)
            return Int(response.status.code)
        }
    }

    func shutdown() async throws {
        switch backend {
        case .lean(let client): await client.shutdown()
        case .asyncHTTPClient(let client): try await client.shutdown()
        }
    }
}
