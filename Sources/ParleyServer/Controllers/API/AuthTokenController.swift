import Hummingbird
import ParleyCore

/// `POST /api/v1/auth/token` signs in and hands out a bearer token; `DELETE` revokes it.
struct AuthTokenController {
    let users: UserService
    let tokens: APITokenCache

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
        guard let user = try await users.authenticate(email: credentials.email, password: credentials.password) else {
            throw APIError(
                status: .unauthorized, code: "invalid_credentials", message: "That email and password do not match.")
        }
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
