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
        let client = context.client.address
        if let wait = try await throttle.retryAfter(email: email, client: client) {
            var error = APIError(
                status: .tooManyRequests, code: "too_many_attempts",
                message: "Too many failed sign-ins. Try again in \(Int(wait.rounded(.up))) seconds.")
            error.headers[.retryAfter] = String(Int(wait.rounded(.up)))
            throw error
        }
        guard let user = try await users.authenticate(email: email, password: credentials.password) else {
            try await throttle.recordFailure(email: email, client: client)
            throw APIError(
                status: .unauthorized, code: "invalid_credentials", message: "That email and password do not match.")
        }
        try await throttle.recordSuccess(email: email, client: client)
        let token = try await tokens.issue(for: user)
        return try APIJSON.response(Issued(token: token, user: .init(user)), status: .created)
    }

    @Sendable func revoke(request: Request, context: AppRequestContext) async throws -> Response {
        guard let token = APIAuthMiddleware.token(in: request), try await tokens.revoke(token) else {
            throw APIError.signInRequired
        }
        return Response(status: .noContent)
    }
}
