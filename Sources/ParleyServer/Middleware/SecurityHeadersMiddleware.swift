import Hummingbird

/// Headers that keep the admin pages from being framed, sniffed or made to run foreign scripts,
/// deny pages the browser's powerful features, and, behind HTTPS, keep browsers on HTTPS.
struct SecurityHeadersMiddleware: RouterMiddleware {
    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    )
        async throws -> Response
    {
        var response = try await next(request, context)
        response.headers[.init("X-Content-Type-Options")!] = "nosniff"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        response.headers[.init("Referrer-Policy")!] = "same-origin"
        response.headers[.init("Content-Security-Policy")!] =
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
        response.headers[.init("Permissions-Policy")!] =
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
            + "interest-cohort=()"
        // Only over HTTPS: a browser ignores it on plain HTTP, and a wrong one would lock it out.
        if context.client.isSecure {
            response.headers[.init("Strict-Transport-Security")!] = "max-age=31536000; includeSubDomains"
        }
        return response
    }
}
