import Hummingbird
import Logging

/// Logs each request's method and path. Never the query string, headers or body: they may hold
/// a token, a password or someone's search.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let level: Logger.Level

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        context.logger.log(
            level: level, "Request",
            metadata: [
                "hb.request.path": .string(request.uri.path), "hb.request.method": .string(request.method.rawValue),
            ])
        return try await next(request, context)
    }
}
