import Foundation
import Hummingbird
import ParleyCore

/// `POST`/`DELETE /api/v1/chat-sessions/{id}/block` and `POST …/reports`: a participant blocks the
/// other one, or reports the conversation or one of its messages (``ModerationService``).
struct ModerationAPIController {
    let database: Database
    let moderation: ModerationService

    struct ReportRequest: Decodable {
        let reason: String
        let messageId: Int64?
        let note: String?
    }

    struct Report: Encodable {
        let id: Int64
        let chatSessionId: Int64
        let messageId: Int64?
        let reason: String
        let note: String?
        let state: String
        let createdAt: Date
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post(RouterPath(AppPath.API.block)) { request, context in
            try await setBlocked(true, context: context)
        }
        group.delete(RouterPath(AppPath.API.block)) { request, context in
            try await setBlocked(false, context: context)
        }
        group.post(RouterPath(AppPath.API.reports), use: report)
    }

    /// Answers the session as the caller now sees it, with `blocked_by_me` set or cleared.
    func setBlocked(_ blocked: Bool, context: AppRequestContext) async throws -> Response {
        let user = try context.requireAPIUser()
        let id = try ChatAPIController.sessionID(context)
        if blocked {
            try await moderation.block(sessionID: id, by: user)
        } else {
            try await moderation.unblock(sessionID: id, by: user)
        }
        guard let summary = try await ParticipantChatListing(database: database).summary(sessionID: id, readBy: user)
        else { throw ChatError.sessionNotFound(id: id) }
        return try APIJSON.response(APIModel.ChatSession(summary, viewerID: user.id))
    }

    @Sendable func report(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireAPIUser()
        let id = try ChatAPIController.sessionID(context)
        let body = try await APIJSON.decode(ReportRequest.self, from: request, context: context)
        let opened = try await moderation.report(
            sessionID: id, by: user, reason: body.reason, messageID: body.messageId, note: body.note)
        return try APIJSON.response(
            Report(
                id: opened.id, chatSessionId: opened.sessionID, messageId: opened.messageID,
                reason: opened.reason.rawValue, note: opened.note, state: opened.state.rawValue,
                createdAt: opened.createdAt),
            status: .created)
    }
}
