import Foundation
import Hummingbird
import ParleyCore

/// Admits only signed-in administrators to the admin routes, and refuses any state-changing
/// request that does not carry the session's CSRF token.
///
/// A refused form that holds typed input (``AdminPath/formsShownAgain``) reaches its handler with
/// ``AppRequestContext/staleForm`` set, and the handler shows the form again with the input and
/// this middleware's message, saving nothing. Every other refused request gets the 403 page.
struct AdminSessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let cookieName = "parley_session"
    static let staleFormMessage =
        "This form had expired (or did not come from this page), so nothing was saved. "
        + "Check what you entered and submit it again."

    let sessions: WebSessionService
    let pages: AdminPages

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        guard let token = request.cookies[Self.cookieName]?.value,
            let session = try await sessions.find(token: token), session.user.role == .admin
        else {
            return Self.signInRequired(request)
        }
        var context = context
        context.webSession = session
        // Services append the audit entry of what this request changes, in the change's transaction.
        let acting = AuditContext(actor: AuditActor(session.user), clientAddress: context.client.address)
        return try await AuditContext.$current.withValue(acting) { [context] in
            try await checked(request, context: context, session: session, next: next)
        }
    }

    /// Passes a request on; a state change only with the session's CSRF token, or, on the forms that
    /// can be shown again, marked stale.
    private func checked(
        _ request: Request, context: Context, session: WebSession,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        guard request.method == .get || request.method == .head else {
            var request = request
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            let submitted = request.headers[.init("X-CSRF-Token")!] ?? FormData(String(buffer: body))["_csrf"] ?? ""
            guard SecretToken.constantTimeEquals(submitted, session.csrfToken) else {
                if let endpoint = context.endpointPath, AdminPath.formsShownAgain.contains(endpoint) {
                    context.staleForm = true
                    return try await next(request, context)
                }
                return await pages.error(
                    request: request, session: session, status: .forbidden, heading: "This form has expired",
                    message: "It was open too long or did not come from this site, so nothing was changed. "
                        + "Go back, reload the page and try again.")
            }
            return try await next(request, context)
        }
        return try await next(request, context)
    }

    /// Pages send the browser to the sign-in page and back; scripts get a 401 they can act on.
    static func signInRequired(_ request: Request) -> Response {
        let wantsHTML = request.headers[.accept]?.contains("text/html") ?? true
        guard wantsHTML else {
            return Responses.json(
                #"{"error":{"code":"sign_in_required","message":"Sign in again."}}"#, status: .unauthorized)
        }
        // A form posted after the session expired cannot be replayed; back to the page is enough.
        let next =
            request.method == .get
            ? request.uri.path + (request.uri.query.map { "?" + $0 } ?? "") : AdminPath.chatSessions
        let encoded = next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return Response(status: .seeOther, headers: [.location: AdminPath.login + "?next=" + encoded])
    }

    static func cookie(token: String, secure: Bool) -> Cookie {
        Cookie(
            name: cookieName, value: token, maxAge: Int(WebSessionService.lifetime), path: "/", secure: secure,
            httpOnly: true, sameSite: .lax)
    }

    static func clearingCookie(secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}
