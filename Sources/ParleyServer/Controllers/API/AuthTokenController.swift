import Hummingbird
import ParleyCore

/// `POST /api/v1/auth/token` signs in and hands out a bearer token; `DELETE` revokes it.
///
/// Signing in here is throttled by the same rule, and the same records, as the admin panel's
/// sign-in, so neither door is a way around the other.
struct AuthTokenController {
    let users: UserService
    let tokens: APITokenCache
    let throttle: SignInThrottle

    struct Credentials: Decodable {
        let email: String
        let password: String
    }

    struct Issued: Encodable {
        let token: String
        let user: APIModel.CurrentUser
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post(RouterPath(AppPath.API.authToken), use: issue)
        group.delete(RouterPath(AppPath.API.authToken), use: revoke)
    }

    @Sendable func issue(request: Request, context: AppRequestContext) async throws -> Response {
        let credentials = try await APIJSON.decode(Credentials.self, from: request, context: context)
        let email = credentials.email.trimmingCharacters(in: .whitespacesAndNewlines)
        let user: User
        switch try await throttle.attempt(
            email: email, client: context.client.address,
            authenticate: { try await users.authenticate(email: email, password: credentials.password) })
        {
        case .succeeded(let signedIn):
            guard !signedIn.isBanned else { throw APIError(ModerationError.banned) }
            user = signedIn
        case .failed:
            throw APIError(
                status: .unauthorized, code: "invalid_credentials", message: "That email and password do not match.")
        case .throttled(let wait):
            var error = APIError(
                status: .tooManyRequests, code: "too_many_attempts",
                message: "Too many failed sign-ins. Try again in \(SignInThrottle.describe(wait)).")
            error.headers[.retryAfter] = String(Int(wait.rounded(.up)))
            throw error
        }
        // An administrator signing in here is an administrator's action, audited with the token.
        let acting =
            user.role == .admin ? AuditContext(actor: AuditActor(user), clientAddress: context.client.address) : nil
        let token = try await AuditContext.$current.withValue(acting) { try await tokens.issue(for: user) }
        return try APIJSON.response(Issued(token: token, user: .init(user)), status: .created)
    }

    @Sendable func revoke(request: Request, context: AppRequestContext) async throws -> Response {
        guard let token = APIAuthMiddleware.token(in: request), try await tokens.revoke(token) else {
            throw APIError.signInRequired
        }
        return Response(status: .noContent)
    }
}
