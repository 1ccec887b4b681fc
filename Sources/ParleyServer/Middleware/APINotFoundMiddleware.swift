import Hummingbird

/// Answers an address under the API that no route serves with the API's JSON error envelope
/// instead of an empty 404, so clients can always read `error.code`.
struct APINotFoundMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            // Any version: a client on a version this server does not have gets JSON too.
            guard request.uri.path.hasPrefix("/api/") else { throw error }
            return APIError(
                status: .notFound, code: "not_found",
                message: "The API has nothing at \(request.method.rawValue) \(request.uri.path); "
                    + "see \(AppPath.openAPIDocument)."
            )
            .response
        }
    }
}
