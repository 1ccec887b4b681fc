import Foundation
import Hummingbird
import ParleyCore

/// The messages sub-table of a chat session's edit page: add, mark read, delete. After each the
/// admin lands on the messages page where the change happened, scrolled to it.
struct AdminChatMessageController {
    let dependencies: AppDependencies
    let pages: AdminPages

    var chat: ChatService { dependencies.chat }
    var formPage: ChatSessionFormPage { ChatSessionFormPage(dependencies: dependencies, pages: pages) }

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
        var state = ChatSessionFormPage.MessagesState(
            page: form.int64("messages_page").map(Int.init)
                ?? ChatMessagesModel.lastPage(
                    messagesCount: stored.messagesCount),
            draft: body, sendAs: sender)
        if context.staleForm {
            state.bodyError = AdminSessionMiddleware.staleFormMessage
            return try await formPage.render(
                request: request, session: session, sessionID: stored.id, input: formPage.input(for: stored),
                errors: [:], status: .forbidden, messages: state)
        }
        do {
            let message = try await chat.sendMessage(
                sessionID: stored.id, senderID: stored.participantID(sender), body: body)
            await pages.badge.refresh()
            return Responses.redirect(
                to: try await formPage.location(of: message.id, in: stored.id), notice: "Message sent.")
        } catch let error as ChatError where error.field == "body" {
            state.bodyError = error.message
            return try await formPage.render(
                request: request, session: session, sessionID: stored.id, input: formPage.input(for: stored),
                errors: [:], status: .unprocessableContent, messages: state)
        } catch ModerationError.blocked {
            state.bodyError =
                "One of the participants blocked the other, so no message can be sent between them until "
                + "they unblock."
            return try await formPage.render(
                request: request, session: session, sessionID: stored.id, input: formPage.input(for: stored),
                errors: [:], status: .forbidden, messages: state)
        }
    }

    /// Marks one message (`only`), the checked ones (`scope=selected`) or all (`scope=all`) read.
    @Sendable func markRead(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireSession()
        let stored = try await requireChatSession(context)
        let form = try await FormData.from(request, context: context)
        let page = AdminPath.messagesPage(stored.id, page: Self.page(form))
        let changed: Int64
        if let only = form.int64("only") {
            changed = try await chat.markMessagesRead(sessionID: stored.id, messageIDs: [only])
            await pages.badge.refresh()
            return Responses.redirect(
                to: try await formPage.location(of: only, in: stored.id),
                notice: "Marked \(Formatting.counted(Int(changed), "message")) as read.")
        } else if form["scope"] == "all" {
            changed = try await chat.markAllRead(sessionIDs: [stored.id])
        } else {
            let ids = form.ids("ids")
            guard !ids.isEmpty else {
                return Responses.redirect(to: page + "#messages", notice: "Select at least one message first.")
            }
            changed = try await chat.markMessagesRead(sessionID: stored.id, messageIDs: ids)
        }
        await pages.badge.refresh()
        return Responses.redirect(
            to: page + "#messages", notice: "Marked \(Formatting.counted(Int(changed), "message")) as read.")
    }

    /// Deletes one message and returns to the page it was on (the last page, if that one is gone).
    @Sendable func delete(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireSession()
        let stored = try await requireChatSession(context)
        guard let messageID = context.parameters.get("messageID").flatMap({ Int64($0) }) else {
            throw HTTPError(.notFound, message: "There is no such message.")
        }
        let form = try await FormData.from(request, context: context)
        try await chat.deleteMessage(id: messageID, sessionID: stored.id)
        await pages.badge.refresh()
        let remaining = try await chat.findSession(id: stored.id)?.messagesCount ?? 0
        let page = min(Self.page(form), ChatMessagesModel.lastPage(messagesCount: remaining))
        return Responses.redirect(
            to: AdminPath.messagesPage(stored.id, page: page) + "#messages", notice: "Message deleted.")
    }

    /// The messages page a form was posted from.
    private static func page(_ form: FormData) -> Int {
        form.int64("messages_page").map { Int(clamping: max(1, min($0, 1_000_000))) } ?? 1
    }

    private func requireChatSession(_ context: AppRequestContext) async throws -> ChatSession {
        let id = try context.chatSessionID()
        guard let session = try await chat.findSession(id: id) else { throw ChatError.sessionNotFound(id: id) }
        return session
    }
}
