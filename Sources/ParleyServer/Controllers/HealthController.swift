import Hummingbird
import ParleyCore

/// `GET /healthz`: 200 while the database answers, 503 when it does not, for load balancers.
struct HealthController {
    let database: Database

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(AppPath.health), use: health)
    }

    @Sendable func health(request: Request, context: AppRequestContext) async -> Response {
        let reachable = await database.isReachable()
        let body = reachable ? #"{"status":"ok"}"# : #"{"status":"unavailable","reason":"database unreachable"}"#
        return Response(
            status: reachable ? .ok : .serviceUnavailable,
            headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
