import Hummingbird
import ParleyCore

/// Works out ``ClientOrigin`` once per request, before anything needs it. Forwarding headers are
/// read only from the proxies in `TRUSTED_PROXIES`: anyone else could name any address there and
/// escape sign-in throttling, or claim HTTPS.
struct ClientOriginMiddleware: RouterMiddleware {
    let trustedProxies: TrustedProxies

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.client = origin(of: request, peer: context.remoteAddress?.ipAddress)
        return try await next(request, context)
    }

    func origin(of request: Request, peer: String?) -> ClientOrigin {
        guard let peer else { return .unknown }
        guard trustedProxies.contains(peer) else {
            return ClientOrigin(address: peer, isSecure: request.head.scheme == "https")
        }
        let forwardedFor = request.headers[values: .init("X-Forwarded-For")!]
        let proto = request.headers[.init("X-Forwarded-Proto")!]?.split(separator: ",").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        return ClientOrigin(
            address: trustedProxies.clientAddress(peer: peer, forwardedFor: forwardedFor),
            isSecure: proto.map { $0 == "https" } ?? (request.head.scheme == "https"))
    }
}
