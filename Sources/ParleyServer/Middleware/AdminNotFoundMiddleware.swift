import Hummingbird
import ParleyCore

/// Answers an address under `/admin` that no route serves with the panel's own 404 page (or the
/// sign-in page, for someone not signed in) instead of an empty 404. Static files under
/// `/admin/assets` are left to the file middleware outside this one.
struct AdminNotFoundMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let sessions: WebSessionService
    let pages: AdminPages

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let path = request.uri.path
            guard path.hasPrefix(AdminPath.root + "/"), !path.hasPrefix(AdminPath.assets + "/") else { throw error }
            guard let token = request.cookies[AdminSessionMiddleware.cookieName]?.value,
                let session = try await sessions.find(token: token), session.user.role == .admin
            else { return AdminSessionMiddleware.signInRequired(request) }
            return await pages.error(
                request: request, session: session, status: .notFound, heading: "Not found",
                message: "There is no page at this address. It may have moved, or the link may be mistyped.")
        }
    }
}
