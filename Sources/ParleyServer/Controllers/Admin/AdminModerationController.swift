import Foundation
import Hummingbird
import ParleyCore

/// The moderation queue and its decisions, and banning or unbanning a user from the Users page.
struct AdminModerationController {
    let dependencies: AppDependencies
    let pages: AdminPages

    var moderation: ModerationService { dependencies.moderation }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(RouterPath(AdminPath.moderation), use: index)
        group.post(RouterPath(AdminPath.Pattern.moderationCase), use: decide)
        group.post(RouterPath(AdminPath.Pattern.banUser), use: ban)
        group.post(RouterPath(AdminPath.Pattern.unbanUser), use: unban)
    }

    @Sendable func index(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let query = FormData(query: request)
        let state = query["state"].flatMap(ModerationCaseState.init(rawValue:))
        let reason = query["reason"].flatMap(ModerationReason.init(rawValue:))
        let page = max(1, min(query["page"].flatMap { Int($0) } ?? 1, 10_000))
        let (items, total) = try await ModerationQueue(database: dependencies.database).page(
            state: state, reason: reason, page: page, perPage: ModerationIndexModel.perPage)
        var locations: [Int64: String] = [:]
        for item in items {
            guard let message = item.message, let index = item.messagePosition else { continue }
            locations[item.moderationCase.id] = ChatSessionFormPage.location(
                of: message.id, in: message.sessionID, at: index)
        }
        let model = ModerationIndexModel(
            layout: await pages.layout(for: request, session: session, section: .moderation), items: items,
            locations: locations, total: total, state: state, reason: reason, page: page, now: Date())
        return pages.page("moderation/index", model, request: request)
    }

    @Sendable func decide(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let id = try Self.id(context)
        let form = try await FormData.from(request, context: context)
        let back = AdminPath.moderation + "#case-\(id)"
        if context.staleForm {
            return Responses.redirect(to: back, notice: "The page had expired, so nothing was done. Try again.")
        }
        let decision: ModerationDecision
        switch form["decision"] {
        case "dismiss": decision = .dismiss
        case "delete_message": decision = .deleteMessage
        case "warn": decision = .warn(form["warning"] ?? "")
        case "ban": decision = .ban
        default: return Responses.redirect(to: back, notice: "Choose a decision.")
        }
        do {
            let decided = try await moderation.decide(caseID: id, decision, by: session.user)
            await pages.moderationCount.refresh()
            await pages.badge.refresh()
            return Responses.redirect(to: back, notice: "Case #\(decided.id): \(decided.resolution ?? "decided").")
        } catch let error as any ParleyError where error.kind != .notFound || error is ChatError {
            return Responses.redirect(to: back, notice: error.message)
        }
    }

    @Sendable func ban(request: Request, context: AppRequestContext) async throws -> Response {
        try await setBanned(true, request: request, context: context)
    }

    @Sendable func unban(request: Request, context: AppRequestContext) async throws -> Response {
        try await setBanned(false, request: request, context: context)
    }

    private func setBanned(_ banned: Bool, request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireSession()
        let id = try Self.id(context)
        _ = try await FormData.from(request, context: context)
        if context.staleForm {
            return Responses.redirect(
                to: AdminPath.users, notice: "The page had expired, so nothing was done. Try again.")
        }
        do {
            let user = banned ? try await moderation.ban(userID: id) : try await moderation.unban(userID: id)
            return Responses.redirect(
                to: AdminPath.users, notice: banned ? "\(user.name) is banned." : "\(user.name) is no longer banned.")
        } catch ModerationError.administratorsCannotBeBanned {
            return Responses.redirect(to: AdminPath.users, notice: ModerationError.administratorsCannotBeBanned.message)
        } catch ModerationError.userNotFound {
            throw HTTPError(.notFound, message: "There is no such user.")
        }
    }

    private static func id(_ context: AppRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else {
            throw HTTPError(.notFound, message: "There is no such page.")
        }
        return id
    }
}
