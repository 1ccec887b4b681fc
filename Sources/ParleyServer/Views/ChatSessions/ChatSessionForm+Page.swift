import Foundation
import Hummingbird
import ParleyCore

/// Builds the create and edit pages (the edit page with its messages sub-table) for every
/// controller that shows them: the session form itself and the messages it holds.
struct ChatSessionFormPage: Sendable {
    let dependencies: AppDependencies
    let pages: AdminPages

    var database: Database { dependencies.database }

    /// What the messages sub-table shows and keeps: its page, and a draft that was refused.
    struct MessagesState {
        var page = 1
        var draft = ""
        var sendAs: ParticipantRole = .vendor
        var bodyError: String?
    }

    /// The form as stored for `session`, labels filled in.
    func input(for session: ChatSession) -> ChatSessionFormModel.Input {
        ChatSessionFormModel.Input(
            productID: session.productID, customerID: session.customerID, vendorID: session.vendorID,
            lastMessageAt: session.lastMessageAt.map(Formatting.inputValue) ?? "")
    }

    func render(
        request: Request, session: WebSession, sessionID: Int64?, input: ChatSessionFormModel.Input,
        error: ChatError
    ) async throws -> Response {
        var errors: [String: String] = [:]
        var formError: String?
        var existingURL: String?
        if case .sessionExists(let existing) = error {
            formError = error.message
            existingURL = AdminPath.editChatSession(existing)
        } else if let field = error.field {
            errors[field] = error.message
        } else {
            formError = error.message
        }
        return try await render(
            request: request, session: session, sessionID: sessionID, input: input, errors: errors,
            formError: formError, existingURL: existingURL,
            status: error.kind == .conflict ? .conflict : .unprocessableContent)
    }

    func render(
        request: Request, session: WebSession, sessionID: Int64?, input: ChatSessionFormModel.Input,
        errors: [String: String], formError: String? = nil, existingURL: String? = nil,
        status: HTTPResponse.Status? = nil, messages state: MessagesState = .init()
    ) async throws -> Response {
        let layout = await pages.layout(for: request, session: session, section: .chatSessions)
        var messages: ChatMessagesModel?
        if let sessionID, let stored = try await dependencies.chat.findSession(id: sessionID) {
            let lastPage = ChatMessagesModel.lastPage(messagesCount: stored.messagesCount)
            let page = min(max(1, state.page), lastPage)
            let rows = try await ConversationReader(database: database).page(
                sessionID: sessionID, offset: (page - 1) * ChatMessagesModel.pageSize, limit: ChatMessagesModel.pageSize
            )
            let names = try await participantNames(stored)
            messages = ChatMessagesModel(
                layout: layout, session: stored, customerName: names.customer, vendorName: names.vendor,
                messages: rows, page: page, now: Date(), draft: state.draft, sendAs: state.sendAs,
                bodyError: state.bodyError)
        }
        let model = ChatSessionFormModel(
            layout: layout, sessionID: sessionID, input: try await labelled(input), errors: errors,
            formError: formError, existingURL: existingURL, messages: messages)
        let hasErrors = !errors.isEmpty || formError != nil || state.bodyError != nil
        return pages.page(
            "chat_sessions/form", model, request: request, status: status ?? (hasErrors ? .unprocessableContent : .ok))
    }

    /// Where the edit page shows `messageID`: its messages page, scrolled to its row.
    func location(of messageID: Int64, in sessionID: Int64) async throws -> String {
        let index = try await ConversationReader(database: database).position(of: messageID, sessionID: sessionID)
        return Self.location(of: messageID, in: sessionID, at: index)
    }

    /// Where the edit page shows `messageID`, whose index from 0 in its conversation is `index`.
    static func location(of messageID: Int64, in sessionID: Int64, at index: Int) -> String {
        AdminPath.messagesPage(sessionID, page: index / ChatMessagesModel.pageSize + 1)
            + "#" + ChatMessagesModel.rowAnchor(messageID)
    }

    /// Fills in the labels of the chosen product and people, so a re-shown form reads as it was.
    func labelled(_ input: ChatSessionFormModel.Input) async throws -> ChatSessionFormModel.Input {
        try await database.read { db in
            var input = input
            let users = UserRepository(db)
            if let id = input.productID, let product = try await ProductRepository(db).find(id: id) {
                input.productLabel = product.name
            }
            if let id = input.customerID, let user = try await users.find(id: id) { input.customerLabel = user.name }
            if let id = input.vendorID, let user = try await users.find(id: id) { input.vendorLabel = user.name }
            return input
        }
    }

    func participantNames(_ session: ChatSession) async throws -> (product: String, customer: String, vendor: String) {
        try await database.read { db in
            let users = UserRepository(db)
            return (
                try await ProductRepository(db).find(id: session.productID)?.name ?? "#\(session.productID)",
                try await users.find(id: session.customerID)?.name ?? "#\(session.customerID)",
                try await users.find(id: session.vendorID)?.name ?? "#\(session.vendorID)"
            )
        }
    }
}
