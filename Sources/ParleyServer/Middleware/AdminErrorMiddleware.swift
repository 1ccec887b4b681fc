import Hummingbird
import ParleyCore

/// Turns errors on admin pages into pages: a 404 for an unknown id, a 403 for a stale form,
/// rather than a bare status line.
struct AdminErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let pages: AdminPages

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            guard let session = context.webSession else { throw error }
            let heading =
                switch error.status {
                case .notFound: "Not found"
                case .forbidden: "Not allowed"
                case .contentTooLarge: "Too large"
                default: "Something went wrong"
                }
            return await pages.error(
                request: request, session: session, status: error.status, heading: heading,
                message: error.body ?? "The page could not be shown.")
        } catch let error as ParleyError where error.kind == .notFound {
            guard let session = context.webSession else { throw error }
            return await pages.error(
                request: request, session: session, status: .notFound, heading: "Not found", message: error.message)
        }
    }
}
