import Hummingbird
import ParleyCore

/// Every API failure answers JSON: `{"error": {"code", "message", "field"}}`.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response
        } catch let error as any ParleyError {
            return APIError(error).response
        } catch let error as HTTPError {
            let code =
                switch error.status {
                case .notFound: "not_found"
                case .contentTooLarge: "body_too_large"
                case .unauthorized: "unauthorized"
                default: "bad_request"
                }
            return APIError(status: error.status, code: code, message: error.body ?? "The request was not understood.")
                .response
        }
    }
}
