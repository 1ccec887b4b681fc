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
        let query = ChatSessionListQuery(parameters: request.uri.queryParameters)
        let page = try await ChatSessionListing(database: database).page(query)
        let names = try await filterNames(for: query)
        let layout = await pages.layout(for: request, session: session, section: .chatSessions)
        let model = ChatSessionIndexModel(layout: layout, query: query, page: page, names: names, now: Date())
        return pages.page("chat_sessions/index", model, request: request)
    }

    private func filterNames(for query: ChatSessionListQuery) async throws -> ChatSessionIndexModel.FilterNames {
        guard query.customerID != nil || query.vendorID != nil || query.productID != nil else { return .init() }
        return try await database.read { db in
            let users = UserRepository(db)
            return ChatSessionIndexModel.FilterNames(
                customer: try await query.customerID.asyncFlatMap { try await users.find(id: $0)?.name },
                vendor: try await query.vendorID.asyncFlatMap { try await users.find(id: $0)?.name },
                product: try await query.productID.asyncFlatMap { try await ProductRepository(db).find(id: $0)?.name })
        }
    }

    // MARK: Create and edit

    @Sendable func new(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        var input = ChatSessionFormModel.Input(lastMessageAt: Formatting.inputValue(Date()))
        if let productID = request.uri.queryParameters["product"].flatMap({ Int64($0) }) {
            input.productID = productID
        }
        input = try await labelled(input)
        let layout = await pages.layout(for: request, session: session, section: .chatSessions)
        let model = ChatSessionFormModel(layout: layout, sessionID: nil, input: input, errors: [:])
        return pages.page("chat_sessions/form", model, request: request)
    }

    @Sendable func create(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let form = try await FormData.from(request, context: context)
        let (input, parsed, errors) = Self.read(form)
        guard errors.isEmpty, let parsed else {
            return try await formPage(request: request, session: session, sessionID: nil, input: input, errors: errors)
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
            return try await formPage(request: request, session: session, sessionID: nil, input: input, error: error)
        }
    }

    @Sendable func edit(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let stored = try await requireChatSession(context)
        let input = try await labelled(
            ChatSessionFormModel.Input(
                productID: stored.productID, customerID: stored.customerID, vendorID: stored.vendorID,
                lastMessageAt: stored.lastMessageAt.map(Formatting.inputValue) ?? ""))
        let messagesPage = request.uri.queryParameters["messages_page"].flatMap { Int($0) } ?? 1
        return try await formPage(
            request: request, session: session, sessionID: stored.id, input: input, errors: [:],
            messagesPage: messagesPage)
    }

    @Sendable func update(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let stored = try await requireChatSession(context)
        let form = try await FormData.from(request, context: context)
        let (input, parsed, errors) = Self.read(form)
        guard errors.isEmpty, let parsed else {
            return try await formPage(
                request: request, session: session, sessionID: stored.id, input: input, errors: errors)
        }
        do {
            _ = try await chat.updateSession(
                id: stored.id, productID: parsed.productID, customerID: parsed.customerID, vendorID: parsed.vendorID,
                lastMessageAt: parsed.lastMessageAt)
            return Responses.redirect(
                to: AdminPath.editChatSession(stored.id), notice: "Chat session #\(stored.id) saved.")
        } catch let error as ChatError where error.kind != .notFound {
            return try await formPage(
                request: request, session: session, sessionID: stored.id, input: input, error: error)
        }
    }

    @Sendable func delete(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireSession()
        let id = try Self.id(context)
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
        let names = try await participantNames(stored)
        let now = Date()
        let model = ConversationModel(
            productName: names.product, customerName: names.customer, vendorName: names.vendor,
            messagesCount: stored.messagesCount,
            messages: messages.map {
                .init(
                    senderName: $0.senderName, senderRole: $0.message.senderRole.rawValue, body: $0.message.body,
                    sentAt: TimeModel($0.message.createdAt, now: now), isRead: $0.message.isRead)
            },
            hasEarlier: stored.messagesCount > Int64(messages.count), shown: messages.count,
            manageURL: AdminPath.editChatSession(stored.id) + "#messages")
        if request.uri.queryParameters["fragment"] == "1" {
            return Responses.html(pages.renderer.render("chat_sessions/conversation", model))
        }
        // Without JavaScript the link opens the preview as a page of its own.
        let layout = await pages.layout(for: request, session: session, section: .chatSessions)
        return pages.page(
            "chat_sessions/conversation_page",
            ConversationPage(layout: layout, sessionID: stored.id, conversation: model), request: request)
    }

    struct ConversationPage {
        let layout: LayoutModel
        let sessionID: Int64
        let conversation: ConversationModel
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
                notice: "Marked \(Self.plural(Int(changed), "message")) as read in "
                    + "\(Self.plural(ids.count, "chat session")).")
        case "delete":
            let deleted = try await chat.deleteSessions(ids: ids)
            await pages.badge.refresh()
            return Responses.redirect(to: back, notice: "\(Self.plural(deleted.count, "chat session")) deleted.")
        case "export_csv":
            return AdminChatSessionExportController(database: database).export(.init(), ids: ids, format: .csv)
        case "export_xlsx":
            return AdminChatSessionExportController(database: database).export(.init(), ids: ids, format: .xlsx)
        default:
            throw HTTPError(.badRequest, message: "Choose one of the bulk actions.")
        }
    }

    // MARK: Helpers

    static func id(_ context: AppRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else {
            throw HTTPError(.notFound, message: "There is no such chat session.")
        }
        return id
    }

    private func requireChatSession(_ context: AppRequestContext) async throws -> ChatSession {
        let id = try Self.id(context)
        guard let session = try await chat.findSession(id: id) else { throw ChatError.sessionNotFound(id: id) }
        return session
    }

    /// Where a form posted from a list should send the browser back to: the same list, filters kept.
    static func returnTo(_ form: FormData) -> String {
        let target = form["return_to"] ?? ""
        return target.hasPrefix(AdminPath.chatSessions) && !target.contains("//") ? target : AdminPath.chatSessions
    }

    static func plural(_ count: Int, _ noun: String) -> String {
        "\(Formatting.count(count)) \(noun)\(count == 1 ? "" : "s")"
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

    /// Fills in the labels of the chosen product and people, so a re-shown form reads as it was.
    private func labelled(_ input: ChatSessionFormModel.Input) async throws -> ChatSessionFormModel.Input {
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

    private func participantNames(
        _ session: ChatSession
    ) async throws -> (
        product: String, customer: String, vendor: String
    ) {
        try await database.read { db in
            let users = UserRepository(db)
            return (
                try await ProductRepository(db).find(id: session.productID)?.name ?? "#\(session.productID)",
                try await users.find(id: session.customerID)?.name ?? "#\(session.customerID)",
                try await users.find(id: session.vendorID)?.name ?? "#\(session.vendorID)"
            )
        }
    }

    private func formPage(
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
        return try await formPage(
            request: request, session: session, sessionID: sessionID, input: input, errors: errors,
            formError: formError, existingURL: existingURL,
            status: error.kind == .conflict ? .conflict : .unprocessableContent)
    }

    func formPage(
        request: Request, session: WebSession, sessionID: Int64?, input: ChatSessionFormModel.Input,
        errors: [String: String], formError: String? = nil, existingURL: String? = nil,
        status: HTTPResponse.Status? = nil, messagesPage: Int = 1, draft: String = "",
        sendAs: ParticipantRole = .vendor, bodyError: String? = nil
    ) async throws -> Response {
        let layout = await pages.layout(for: request, session: session, section: .chatSessions)
        var messages: ChatMessagesModel?
        if let sessionID, let stored = try await chat.findSession(id: sessionID) {
            let page = max(1, messagesPage)
            let rows = try await ConversationReader(database: database).page(
                sessionID: sessionID, offset: (page - 1) * ChatMessagesModel.pageSize, limit: ChatMessagesModel.pageSize
            )
            let names = try await participantNames(stored)
            messages = ChatMessagesModel(
                layout: layout, session: stored, customerName: names.customer, vendorName: names.vendor,
                messages: rows, page: page, now: Date(), draft: draft, sendAs: sendAs, bodyError: bodyError)
        }
        let model = ChatSessionFormModel(
            layout: layout, sessionID: sessionID, input: try await labelled(input), errors: errors,
            formError: formError, existingURL: existingURL, messages: messages)
        let hasErrors = !errors.isEmpty || formError != nil || bodyError != nil
        return pages.page(
            "chat_sessions/form", model, request: request, status: status ?? (hasErrors ? .unprocessableContent : .ok))
    }
}

extension Optional {
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
