import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers

/// A real HTTP server on loopback that records the webhook requests it gets and answers each as a
/// test scripts it: a status code, or no answer at all.
final class WebhookReceiver: Sendable {
    struct Request: Sendable {
        let headers: [String: String]
        let body: Data

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        }
        var eventID: String { json["id"] as? String ?? "" }
        var type: String { json["type"] as? String ?? "" }
        var data: [String: Any] { json["data"] as? [String: Any] ?? [:] }
    }

    enum Answer: Sendable {
        case status(Int)
        /// Holds the request until the client gives up.
        case silence
    }

    private let received = NIOLockedValueBox<[Request]>([])
    /// Given the number of requests so far (this one included), how to answer.
    private let script: @Sendable (Int) -> Answer

    init(_ script: @escaping @Sendable (Int) -> Answer = { _ in .status(204) }) {
        self.script = script
    }

    var requests: [Request] { received.withLockedValue { $0 } }

    /// Serves on a free port; `body` gets the URL to give an endpoint.
    func serve(_ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("hook") { [self] request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            let count = received.withLockedValue { list in
                list.append(Request(headers: headers, body: Data(buffer: bytes)))
                return list.count
            }
            switch script(count) {
            case .status(let code):
                return Response(status: .init(code: code))
            case .silence:
                try await Task.sleep(for: .seconds(2))
                return Response(status: .ok)
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)/hook")
        }
    }
}
