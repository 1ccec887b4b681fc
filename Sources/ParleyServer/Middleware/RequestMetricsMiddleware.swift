import Hummingbird
import ParleyCore

/// Counts and times every request by the route that answered it. The label is the route's
/// template (`/api/v1/chat-sessions/{id}`), never the path itself, so the number of series stays
/// bounded whatever addresses clients ask for: every address no route serves shares `unmatched`.
///
/// Added first, so it sees every answer, including the errors that later become responses.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    static let unmatched = "unmatched"
    /// The methods counted under their own name; any other is `other`, so a client cannot make
    /// series up either.
    static let namedMethods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .patch, .delete, .options]

    let metrics: ParleyMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let arrived = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context: context, status: response.status, since: arrived)
            return response
        } catch {
            // Hummingbird makes the response from the error after this; it answers with this status.
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            record(request, context: context, status: status, since: arrived)
            throw error
        }
    }

    private func record(
        _ request: Request, context: Context, status: HTTPResponse.Status, since arrived: ContinuousClock.Instant
    ) {
        metrics.recordRequest(
            route: Self.route(endpoint: context.endpointPath, path: request.uri.path),
            method: Self.namedMethods.contains(request.method) ? request.method.rawValue : "other",
            status: status.code, seconds: arrived.duration(to: .now).inSeconds)
    }

    /// The label for what answered: the matched route's template, the static files' folder, or
    /// ``unmatched``.
    static func route(endpoint: String?, path: String) -> String {
        switch endpoint {
        case nil, "NotFound":
            return unmatched
        case "FileMiddleware":
            // Hummingbird names any file it serves so; the folder says which of the two.
            return (path.hasPrefix(AppPath.chatAssets + "/") ? AppPath.chatAssets : AdminPath.assets) + "/**"
        case let route?:
            return route
        }
    }
}
