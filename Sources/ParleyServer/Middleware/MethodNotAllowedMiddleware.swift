import Hummingbird

/// Added after every route, so it runs only for requests no route took: when the path is known
/// but the method is not one it serves, answers 405 with `Allow` (the JSON envelope under the
/// API) instead of 404.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let allowed: AllowedMethods

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let methods = allowed.methods(for: request.uri.path)
            guard !methods.isEmpty, !methods.contains(request.method) else { throw error }
            let allow = methods.map(\.rawValue).joined(separator: ", ")
            var response: Response
            if request.uri.path.hasPrefix("/api/") {
                response =
                    APIError(
                        status: .methodNotAllowed, code: "method_not_allowed",
                        message: "\(request.uri.path) does not take \(request.method.rawValue); it takes \(allow)."
                    )
                    .response
            } else {
                response = Response(
                    status: .methodNotAllowed, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: "This address takes \(allow), not \(request.method).\n"))
                )
            }
            response.headers[.allow] = allow
            return response
        }
    }
}
