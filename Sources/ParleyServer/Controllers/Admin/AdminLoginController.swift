import Foundation
import Hummingbird
import ParleyCore

/// Signing administrators in and out of the admin panel.
struct AdminLoginController {
    /// Before sign-in there is no session to hold a CSRF token, so the form echoes a random value
    /// that is also set as a cookie (double submit).
    static let csrfCookieName = "parley_login_csrf"

    let users: UserService
    let sessions: WebSessionService
    let throttle: SignInThrottle
    let renderer: PageRenderer
    let audit: AuditTrail

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(AdminPath.login), use: show)
        router.post(RouterPath(AdminPath.login), use: signIn)
        router.post(RouterPath(AdminPath.logout), use: signOut)
        router.get(RouterPath(AdminPath.root)) { _, _ in Responses.redirect(to: AdminPath.chatSessions) }
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        if let token = request.cookies[AdminSessionMiddleware.cookieName]?.value,
            let session = try await sessions.find(token: token), session.user.role == .admin
        {
            return Responses.redirect(to: Self.safeNext(FormData(query: request)["next"]))
        }
        return render(
            context: context, email: "", next: FormData(query: request)["next"] ?? "", error: nil,
            notice: FlashNotice.read(from: request), status: .ok)
    }

    @Sendable func signIn(request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData.from(request, context: context)
        let email = form.trimmed("email")
        let next = form["next"] ?? ""
        guard let expected = request.cookies[Self.csrfCookieName]?.value,
            SecretToken.constantTimeEquals(form["_csrf"] ?? "", expected)
        else {
            return render(
                context: context, email: email, next: next,
                error: "The sign-in form expired. Please try again.", notice: nil, status: .forbidden)
        }
        let password = form["password"] ?? ""
        let user: User
        switch try await throttle.attempt(
            email: email, client: context.client.address, accepts: { $0.role == .admin },
            authenticate: { try await users.authenticate(email: email, password: password) })
        {
        case .succeeded(let admin):
            user = admin
        case .failed:
            try await recordFailure(email: email, context: context, summary: "wrong email or password")
            return render(
                context: context, email: email, next: next,
                error: "That email and password do not match an administrator account.", notice: nil,
                status: .unauthorized)
        case .throttled(let wait):
            try await recordFailure(email: email, context: context, summary: "refused: too many failed attempts")
            var response = render(
                context: context, email: email, next: next,
                error: "Too many failed attempts. Try again in \(SignInThrottle.describe(wait)).",
                notice: nil, status: .tooManyRequests)
            response.headers[.init("Retry-After")!] = String(Int(wait.rounded(.up)))
            return response
        }
        let acting = AuditContext(actor: AuditActor(user), clientAddress: context.client.address)
        let (token, _) = try await AuditContext.$current.withValue(acting) { try await sessions.start(for: user) }
        var response = Responses.redirect(to: Self.safeNext(next))
        response.setCookie(
            AdminSessionMiddleware.cookie(token: token, secure: context.client.isSecure))
        return response
    }

    @Sendable func signOut(request: Request, context: AppRequestContext) async throws -> Response {
        if let token = request.cookies[AdminSessionMiddleware.cookieName]?.value,
            let session = try await sessions.find(token: token)
        {
            let form = try await FormData.from(request, context: context)
            guard SecretToken.constantTimeEquals(form["_csrf"] ?? "", session.csrfToken) else {
                throw HTTPError(.forbidden, message: "Reload the page and sign out again.")
            }
            let acting = AuditContext(actor: AuditActor(session.user), clientAddress: context.client.address)
            try await AuditContext.$current.withValue(acting) { try await sessions.end(token: token) }
        }
        var response = Responses.redirect(to: AdminPath.login, notice: "You have signed out.")
        response.setCookie(AdminSessionMiddleware.clearingCookie(secure: context.client.isSecure))
        return response
    }

    /// A failed sign-in has no actor: the log keeps the email that was typed, never the password.
    private func recordFailure(email: String, context: AppRequestContext, summary: String) async throws {
        try await audit.record(
            AuditRecord(
                actor: .unknown(email: email), action: .signInFailed, summary: summary,
                clientAddress: context.client.address))
    }

    private func render(
        context: AppRequestContext, email: String, next: String, error: String?, notice: String?,
        status: HTTPResponse.Status
    ) -> Response {
        let csrf = SecretToken.generate()
        let page = LoginModel(csrfToken: csrf, email: email, next: next, error: error, notice: notice)
        var response = Responses.html(renderer.render("login", page), status: status)
        response.setCookie(
            Cookie(
                name: Self.csrfCookieName, value: csrf, path: AdminPath.login,
                secure: context.client.isSecure, httpOnly: true, sameSite: .strict))
        if notice != nil { response.setCookie(FlashNotice.clearing) }
        return response
    }

    /// Only paths inside the admin panel: a crafted `next` must not send anyone to another site.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/admin"), !next.hasPrefix("//"), !next.contains("\\") else {
            return AdminPath.chatSessions
        }
        return next
    }
}
