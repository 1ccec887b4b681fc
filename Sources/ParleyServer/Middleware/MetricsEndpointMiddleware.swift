import Hummingbird
import ParleyCore

/// `GET /metrics`: the application's metrics in the Prometheus text format, for a scraper that
/// sends `Authorization: Bearer <METRICS_TOKEN>`. Every other request for the address, with no
/// token, a wrong one or another method, goes on as if this did not exist and gets exactly the
/// answer of an unknown address, so a public port does not show that there is anything here.
///
/// A middleware rather than a route: a route would make `POST /metrics` answer 405 with
/// `Allow: GET`, which tells.
struct MetricsEndpointMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let metrics: ParleyMetrics
    /// The token's hash: hashes have one length, so comparing them takes the same time whatever
    /// the length of the token a client sends.
    private let tokenHash: String

    init(metrics: ParleyMetrics, token: String) {
        self.metrics = metrics
        self.tokenHash = SecretToken.hash(token)
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.method == .get, request.uri.path == AppPath.metrics, isAuthorized(request) else {
            return try await next(request, context)
        }
        context.coreContext.endpointPath.value = AppPath.metrics
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    }

    private func isAuthorized(_ request: Request) -> Bool {
        guard let token = APIAuthMiddleware.token(in: request) else { return false }
        return SecretToken.constantTimeEquals(SecretToken.hash(token), tokenHash)
    }
}
