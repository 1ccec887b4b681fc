import Hummingbird
import ParleyCore

/// `PUT` and `DELETE /api/v1/chat-sessions/{id}/mute`: the caller mutes or unmutes a conversation
/// they take part in (``NotificationPreferenceService``); both answer 204 however often repeated.
struct ChatMuteAPIController {
    let preferences: NotificationPreferenceService

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.put(RouterPath(AppPath.API.mute)) { request, context in
            try await setMuted(true, context: context)
        }
        group.delete(RouterPath(AppPath.API.mute)) { request, context in
            try await setMuted(false, context: context)
        }
    }

    func setMuted(_ muted: Bool, context: AppRequestContext) async throws -> Response {
        let user = try context.requireAPIUser()
        try await preferences.setMuted(muted, sessionID: try ChatAPIController.sessionID(context), by: user)
        return Response(status: .noContent)
    }
}
