import Foundation
import Hummingbird
import ParleyCore

/// The messages sub-table of a chat session's edit page: add, mark read, delete.
struct AdminChatMessageController {
    let dependencies: AppDependencies
    let pages: AdminPages
    let sessions: AdminChatSessionController

    var chat: ChatService { dependencies.chat }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post(RouterPath(AdminPath.Pattern.messages), use: add)
        group.post(RouterPath(AdminPath.Pattern.readMessages), use: markRead)
        group.post(RouterPath(AdminPath.Pattern.deleteMessage), use: delete)
    }

    /// Sends a message as the session's customer or vendor, as the administrator chose.
    @Sendable func add(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let stored = try await requireChatSession(context)
        let form = try await FormData.from(request, context: context)
        let sender: ParticipantRole = form["sender"] == "customer" ? .customer : .vendor
        let body = form["body"] ?? ""
        do {
            _ = try await chat.sendMessage(sessionID: stored.id, senderID: stored.participantID(sender), body: body)
            await pages.badge.refresh()
            return Responses.redirect(to: AdminPath.editChatSession(stored.id) + "#messages", notice: "Message sent.")
        } catch let error as ChatError where error.field == "body" {
            return try await sessions.formPage(
                request: request, session: session, sessionID: stored.id,
                input: .init(
                    productID: stored.productID, customerID: stored.customerID, vendorID: stored.vendorID,
                    lastMessageAt: stored.lastMessageAt.map(Formatting.inputValue) ?? ""),
                errors: [:], status: .unprocessableContent, draft: body, sendAs: sender, bodyError: error.message)
        }
    }

    /// Marks one message (`only`), the checked ones (`scope=selected`) or all (`scope=all`) read.
    @Sendable func markRead(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireSession()
        let stored = try await requireChatSession(context)
        let form = try await FormData.from(request, context: context)
        let changed: Int64
        if let only = form.int64("only") {
            changed = try await chat.markMessagesRead(sessionID: stored.id, messageIDs: [only])
        } else if form["scope"] == "all" {
            changed = try await chat.markAllRead(sessionIDs: [stored.id])
        } else {
            let ids = form.ids("ids")
            guard !ids.isEmpty else {
                return Responses.redirect(
                    to: AdminPath.editChatSession(stored.id) + "#messages", notice: "Select at least one message first."
                )
            }
            changed = try await chat.markMessagesRead(sessionID: stored.id, messageIDs: ids)
        }
        await pages.badge.refresh()
        return Responses.redirect(
            to: AdminPath.editChatSession(stored.id) + "#messages",
            notice: "Marked \(AdminChatSessionController.plural(Int(changed), "message")) as read.")
    }

    @Sendable func delete(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireSession()
        let stored = try await requireChatSession(context)
        guard let messageID = context.parameters.get("messageID").flatMap({ Int64($0) }) else {
            throw HTTPError(.notFound, message: "There is no such message.")
        }
        try await chat.deleteMessage(id: messageID, sessionID: stored.id)
        await pages.badge.refresh()
        return Responses.redirect(to: AdminPath.editChatSession(stored.id) + "#messages", notice: "Message deleted.")
    }

    private func requireChatSession(_ context: AppRequestContext) async throws -> ChatSession {
        let id = try AdminChatSessionController.id(context)
        guard let session = try await chat.findSession(id: id) else { throw ChatError.sessionNotFound(id: id) }
        return session
    }
}
