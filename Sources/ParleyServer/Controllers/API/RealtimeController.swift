import Foundation
import Hummingbird
import HummingbirdWebSocket
import ParleyCore

/// `GET /api/v1/realtime`: a WebSocket that pushes the caller's chat events as they happen.
/// The token comes in the Authorization header or as `?token=` for clients that cannot set headers.
struct RealtimeController {
    let hub: RealtimeHub
    let settings: SettingsService

    /// A plain GET of the realtime path (no upgrade) learns what to do instead.
    static func addPlainRoute(to group: RouterGroup<AppRequestContext>) {
        group.get("realtime") { _, _ -> Response in
            throw APIError(
                status: .upgradeRequired, code: "upgrade_required", message: "Open this path as a WebSocket.")
        }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.ws("realtime") { _, _ in
            .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            guard let user = context.requestContext.apiUser else {
                try await outbound.close(.policyViolation, reason: "unauthorized")
                return
            }
            let (id, frames) = hub.connect(userID: user.id)
            defer { hub.disconnect(id, userID: user.id) }
            // A socket opened just as chat was switched off would miss the event that closes the others.
            guard (try? await settings.isChatEnabled()) ?? false else {
                try await outbound.close(.policyViolation, reason: "chat_disabled")
                return
            }
            // Everything after this frame is delivered, so a client knows when it is caught up.
            try await outbound.write(.text(#"{"data":{"user_id":\#(user.id)},"type":"connection.ready"}"#))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // Clients only listen; reading keeps pings answered and notices a close.
                    for try await _ in inbound.messages(maxSize: 4_096) {}
                }
                group.addTask {
                    for await frame in frames {
                        switch frame {
                        case .text(let text):
                            try await outbound.write(.text(text))
                        case .close(let reason):
                            try await outbound.close(.policyViolation, reason: reason)
                            return
                        }
                    }
                    // The hub let go of this connection: it fell too far behind.
                    try await outbound.close(.goingAway, reason: "too_slow")
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }
}
