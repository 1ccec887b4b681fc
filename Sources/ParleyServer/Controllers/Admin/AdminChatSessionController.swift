import Foundation
import Hummingbird
import ParleyCore

/// The Chat Sessions resource of the admin panel: the list, the create and edit forms, deletion,
/// the conversation preview and the bulk actions. Every change goes through ``ChatService``.
struct AdminChatSessionController {
    let dependencies: AppDependencies
    let pages: AdminPages

    var chat: ChatService { dependencies.chat }
    var database: Database { dependencies.database }
    var audit: AuditTrail { dependencies.audit }
    var formPage: ChatSessionFormPage { ChatSessionFormPage(dependencies: dependencies, pages: pages) }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(RouterPath(AdminPath.chatSessions), use: index)
        group.get(RouterPath(AdminPath.newChatSession), use: new)
        group.post(RouterPath(AdminPath.chatSessions), use: create)
        group.post(RouterPath(AdminPath.bulkChatSessions), use: bulk)
        group.get(RouterPath(AdminPath.Pattern.editChatSession), use: edit)
        group.post(RouterPath(AdminPath.Pattern.chatSession), use: update)
        group.post(RouterPath(AdminPath.Pattern.deleteChatSession), use: delete)
        group.get(RouterPath(AdminPath.Pattern.conversation), use: conversation)
    }

    // MARK: List

    @Sendable func index(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let form = FormData(query: request)
        var query = ChatSessionListQuery(form: form)
        let filters = try await ChatSessionFilters.resolve(form, query: &query, database: database)
        if filters.changed && !filters.hasErrors {
            return Response(status: .seeOther, headers: [.location: query.url()])
        }
        // A filter that could not be applied shows no rows rather than rows it would have hidden.
        let page =
            filters.hasErrors
            ? .empty
            : try await ChatSessionListing(database: database).page(query)
        let layout = await pages.layout(for: request, session: session, section: .chatSessions)
        let model = ChatSessionIndexModel(layout: layout, query: query, page: page, filters: filters, now: Date())
        return pages.page(
            "chat_sessions/index", model, request: request, status: filters.hasErrors ? .unprocessableContent : .ok)
    }

    // MARK: Create and edit

    @Sendable func new(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        var input = ChatSessionFormModel.Input(lastMessageAt: Formatting.inputValue(Date()))
        if let productID = FormData(query: request)["product"].flatMap({ Int64($0) }) {
            input.productID = productID
        }
        return try await formPage.render(request: request, session: session, sessionID: nil, input: input, errors: [:])
    }

    @Sendable func create(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let form = try await FormData.from(request, context: context)
        let (input, parsed, errors) = Self.read(form)
        if context.staleForm {
            return try await formPage.render(
                request: request, session: session, sessionID: nil, input: input, errors: errors,
                formError: AdminSessionMiddleware.staleFormMessage, status: .forbidden)
        }
        guard errors.isEmpty, let parsed else {
            return try await formPage.render(
                request: request, session: session, sessionID: nil, input: input, errors: errors)
        }
        do {
            let created = try await chat.createSession(
                productID: parsed.productID, customerID: parsed.customerID, vendorID: parsed.vendorID,
                lastMessageAt: parsed.lastMessageAt)
            await pages.badge.refresh()
            if form["intent"] == "create_another" {
                return Responses.redirect(
                    to: AdminPath.newChatSession, notice: "Chat session #\(created.id) created. Create another one.")
            }
            return Responses.redirect(to: AdminPath.chatSessions, notice: "Chat session #\(created.id) created.")
        } catch let error as ChatError {
            return try await formPage.render(
                request: request, session: session, sessionID: nil, input: input, error: error)
        }
    }

    @Sendable func edit(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let stored = try await requireChatSession(context)
        let messagesPage = FormData(query: request)["messages_page"].flatMap { Int($0) } ?? 1
        return try await formPage.render(
            request: request, session: session, sessionID: stored.id, input: formPage.input(for: stored), errors: [:],
            messages: .init(page: messagesPage))
    }

    @Sendable func update(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let stored = try await requireChatSession(context)
        let form = try await FormData.from(request, context: context)
        let (input, parsed, errors) = Self.read(form)
        if context.staleForm {
            return try await formPage.render(
                request: request, session: session, sessionID: stored.id, input: input, errors: errors,
                formError: AdminSessionMiddleware.staleFormMessage, status: .forbidden)
        }
        guard errors.isEmpty, let parsed else {
            return try await formPage.render(
                request: request, session: session, sessionID: stored.id, input: input, errors: errors)
        }
        do {
            _ = try await chat.updateSession(
                id: stored.id, productID: parsed.productID, customerID: parsed.customerID, vendorID: parsed.vendorID,
                lastMessageAt: parsed.lastMessageAt)
            return Responses.redirect(
                to: AdminPath.editChatSession(stored.id), notice: "Chat session #\(stored.id) saved.")
        } catch let error as ChatError where error.kind != .notFound {
            return try await formPage.render(
                request: request, session: session, sessionID: stored.id, input: input, error: error)
        }
    }

    @Sendable func delete(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireSession()
        let id = try context.chatSessionID()
        try await chat.deleteSession(id: id)
        await pages.badge.refresh()
        let form = try await FormData.from(request, context: context)
        return Responses.redirect(
            to: Self.returnTo(form), notice: "Chat session #\(id) and its messages were deleted.")
    }

    // MARK: Conversation preview

    @Sendable func conversation(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let stored = try await requireChatSession(context)
        let limit = 200
        let messages = try await ConversationReader(database: database).latest(sessionID: stored.id, limit: limit)
        let names = try await formPage.participantNames(stored)
        let now = Date()
        let model = ConversationModel(
            productName: names.product, customerName: names.customer, vendorName: names.vendor,
            messagesCount: Formatting.counted(Int(stored.messagesCount), "message"),
            messages: messages.map {
                .init(
                    senderName: $0.senderName, senderRole: $0.message.senderRole.rawValue,
                    bodyHTML: MessageBodyHTML.render($0.message), flags: MessageBodyHTML.labels($0.message),
                    sentAt: TimeModel($0.message.createdAt, now: now), isRead: $0.message.isRead)
            },
            hasEarlier: stored.messagesCount > Int64(messages.count),
            shown: Formatting.counted(messages.count, "message"),
            manageURL: AdminPath.editChatSession(stored.id) + "#messages")
        if FormData(query: request)["fragment"] == "1" {
            return Responses.html(pages.renderer.render("chat_sessions/conversation", model))
        }
        // Without JavaScript the link opens the preview as a page of its own.
        let layout = await pages.layout(for: request, session: session, section: .chatSessions)
        return pages.page(
            "chat_sessions/conversation_page",
            ConversationPageModel(layout: layout, sessionID: stored.id, conversation: model), request: request)
    }

    // MARK: Bulk actions

    @Sendable func bulk(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireSession()
        let form = try await FormData.from(request, context: context)
        let ids = form.ids("ids")
        let back = Self.returnTo(form)
        guard !ids.isEmpty else {
            return Responses.redirect(to: back, notice: "Select at least one chat session first.")
        }
        switch form["action"] {
        case "mark_read":
            let changed = try await chat.markAllRead(sessionIDs: ids)
            await pages.badge.refresh()
            return Responses.redirect(
                to: back,
                notice: "Marked \(Formatting.counted(Int(changed), "message")) as read in "
                    + "\(Formatting.counted(ids.count, "chat session")).")
        case "delete":
            let deleted = try await chat.deleteSessions(ids: ids)
            await pages.badge.refresh()
            return Responses.redirect(to: back, notice: "\(Formatting.counted(deleted.count, "chat session")) deleted.")
        case "export_csv", "export_xlsx":
            let format: ChatSessionExport.Format = form["action"] == "export_csv" ? .csv : .xlsx
            try await audit.record(
                .export, by: context, target: .chatSession, ids: ids,
                summary: "\(format.rawValue.uppercased()) of \(Formatting.counted(ids.count, "selected chat session"))")
            return ChatSessionExport(database: database).response(selected: ids, listedAt: back, format: format)
        default:
            throw HTTPError(.badRequest, message: "Choose one of the bulk actions.")
        }
    }

    // MARK: Helpers

    private func requireChatSession(_ context: AppRequestContext) async throws -> ChatSession {
        let id = try context.chatSessionID()
        guard let session = try await chat.findSession(id: id) else { throw ChatError.sessionNotFound(id: id) }
        return session
    }

    /// Where a form posted from a list should send the browser back to: the same list, filters kept.
    static func returnTo(_ form: FormData) -> String {
        let target = form["return_to"] ?? ""
        return target.hasPrefix(AdminPath.chatSessions) && !target.contains("//") ? target : AdminPath.chatSessions
    }

    struct ParsedForm {
        let productID: Int64
        let customerID: Int64
        let vendorID: Int64
        let lastMessageAt: Date?
    }

    /// Reads the form; every missing or malformed field gets its own message.
    static func read(_ form: FormData) -> (ChatSessionFormModel.Input, ParsedForm?, [String: String]) {
        var input = ChatSessionFormModel.Input()
        var errors: [String: String] = [:]
        input.productID = form.int64("product_id")
        input.customerID = form.int64("customer_id")
        input.vendorID = form.int64("vendor_id")
        input.lastMessageAt = form.trimmed("last_message_at")
        if input.productID == nil { errors["product_id"] = "Choose the product this conversation is about." }
        if input.customerID == nil { errors["customer_id"] = "Choose the customer." }
        if input.vendorID == nil { errors["vendor_id"] = "Choose the vendor." }
        var lastMessageAt: Date?
        if !input.lastMessageAt.isEmpty {
            lastMessageAt = Formatting.parseDateTime(input.lastMessageAt)
            if lastMessageAt == nil {
                errors["last_message_at"] = "Enter a date and time like 11/24/2026, 03:05:00 PM."
            }
        }
        guard errors.isEmpty, let product = input.productID, let customer = input.customerID,
            let vendor = input.vendorID
        else { return (input, nil, errors) }
        return (
            input, ParsedForm(productID: product, customerID: customer, vendorID: vendor, lastMessageAt: lastMessageAt),
            [:]
        )
    }
}
