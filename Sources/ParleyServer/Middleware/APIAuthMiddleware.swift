import Hummingbird
import ParleyCore

/// Requires `Authorization: Bearer <token>` and puts the token's user into the context. A token in
/// the query string is not accepted here: URLs end up in logs and histories. Only the realtime
/// upgrade takes `?token=` (``RealtimeServerChannel``), since browsers cannot set its headers.
///
/// With `required` false a request without a valid token passes on with no user: a WebSocket
/// upgrade cannot carry an error body, so the realtime route answers with a close reason instead.
struct APIAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let tokens: APITokenCache
    var required = true

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        guard let token = Self.token(in: request), let user = try await tokens.user(for: token) else {
            if required { throw APIError.signInRequired }
            return try await next(request, context)
        }
        var context = context
        context.apiUser = user
        return try await next(request, context)
    }

    static func token(in request: Request) -> String? {
        request.headers[.authorization].flatMap(BearerToken.parse)
    }
}

/// Refuses chat endpoints while an administrator has chat turned off.
struct ChatEnabledMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let chatSwitch: ChatSwitch

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        guard try await chatSwitch.isEnabled() else { throw APIError.chatDisabled }
        return try await next(request, context)
    }
}

extension AppRequestContext {
    /// The API caller; API routes only run behind ``APIAuthMiddleware``.
    func requireAPIUser() throws -> User {
        guard let apiUser else { throw APIError.signInRequired }
        return apiUser
    }
}
