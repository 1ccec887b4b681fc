import Foundation
import Hummingbird
import ParleyCore

/// `GET /api/v1/realtime` is a WebSocket (``RealtimeServerChannel``); a plain request for it gets
/// this answer.
struct RealtimeController {
    /// A plain GET of the realtime path (no upgrade) learns what to do instead.
    static func addPlainRoute(to group: RouterGroup<AppRequestContext>) {
        group.get(RouterPath(AppPath.API.realtime)) { _, _ -> Response in
            throw APIError(
                status: .upgradeRequired, code: "upgrade_required", message: "Open this path as a WebSocket.")
        }
    }
}
