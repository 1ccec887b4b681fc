import Foundation
import Hummingbird
import ParleyCore

/// The mobile app's chat API under /api/v1: a user's conversations, their messages, sending and
/// read receipts. Who may do what is ``ChatService``'s to decide (``ChatAccess``); this only translates.
struct ChatAPIController {
    let dependencies: AppDependencies
    /// Nil when sends are not limited.
    let limiter: SendRateLimiter?

    var chat: ChatService { dependencies.chat }
    var database: Database { dependencies.database }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(RouterPath(AppPath.API.chatSessions), use: list)
        group.post(RouterPath(AppPath.API.chatSessions), use: open)
        group.get(RouterPath(AppPath.API.chatSession), use: show)
        group.get(RouterPath(AppPath.API.messages), use: messages)
        group.post(RouterPath(AppPath.API.messages), use: send)
        group.post(RouterPath(AppPath.API.read), use: read)
        group.get(RouterPath(AppPath.API.unreadCount), use: unreadCount)
    }

    @Sendable func list(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireAPIUser()
        let limit = try Self.limit(request)
        var cursor: ChatListCursor?
        if let token = FormData(query: request)["cursor"] {
            guard let parsed = ChatListCursor(token: token) else {
                throw APIError(
                    status: .badRequest, code: "invalid_cursor", message: "cursor is not one this API gave.",
                    field: "cursor")
            }
            cursor = parsed
        }
        let page = try await ParticipantChatListing(database: database).page(for: user, limit: limit, after: cursor)
        return try APIJSON.response(
            APIModel.Page(
                data: page.items.map { APIModel.ChatSession($0, viewerID: user.id) }, nextCursor: page.next?.token))
    }

    struct OpenRequest: Decodable {
        let productId: Int64
    }

    @Sendable func open(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireAPIUser()
        let body = try await APIJSON.decode(OpenRequest.self, from: request, context: context)
        let (session, created) = try await chat.openSession(productID: body.productId, for: user)
        let summary = try await visibleSummary(session.id, to: user)
        return try APIJSON.response(APIModel.ChatSession(summary, viewerID: user.id), status: created ? .created : .ok)
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireAPIUser()
        let summary = try await visibleSummary(try Self.sessionID(context), to: user)
        return try APIJSON.response(APIModel.ChatSession(summary, viewerID: user.id))
    }

    @Sendable func messages(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireAPIUser()
        let session = try await chat.session(id: try Self.sessionID(context), readBy: user)
        let limit = try Self.limit(request)
        let before = try Self.id(request, "before")
        let after = try Self.id(request, "after")
        if before != nil && after != nil {
            throw APIError(
                status: .unprocessableContent, code: "conflicting_query",
                message: "Give before (history) or after (catch-up), not both.", field: "after")
        }
        let page = try await database.read { db in
            try await ChatMessageRepository(db).page(
                sessionID: session.id, before: before, after: after, limit: limit)
        }
        // History pages continue upward from their oldest message, catch-up pages after their newest.
        let next: Int64? =
            page.count < limit ? nil : (after != nil ? page.last?.id : page.first?.id)
        return try APIJSON.response(
            APIModel.Page(data: page.map(APIModel.Message.init), nextCursor: next.map(String.init)))
    }

    struct SendRequest: HandDecodable {
        let body: String
        let clientMessageId: String?

        init?(json: LogJSON) {
            guard case .object(let fields) = json, let body = fields["body"]?.string,
                fields.keys.allSatisfy({ $0 == "body" || $0 == "client_message_id" })
            else { return nil }
            switch fields["client_message_id"] {
            case nil, .null?: clientMessageId = nil
            case .string(let id)?: clientMessageId = id
            default: return nil
            }
            self.body = body
        }
    }

    @Sendable func send(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireAPIUser()
        let sessionID = try Self.sessionID(context)
        let body = try await APIJSON.decode(SendRequest.self, from: request, context: context)
        if let wait = limiter?.acquire(for: user.id) {
            var error = APIError(
                status: .tooManyRequests, code: "rate_limited",
                message: "Too many messages; wait \(Int(wait.rounded(.up))) s before sending more.")
            error.headers[.init("Retry-After")!] = String(Int(wait.rounded(.up)))
            throw error
        }
        let sent = try await chat.send(
            sessionID: sessionID, by: user, body: body.body, clientMessageID: body.clientMessageId)
        return Responses.json(MessageJSON.encode(sent.message), status: sent.isNew ? .created : .ok)
    }

    struct ReadRequest: Decodable {
        let upToMessageId: Int64?
    }

    struct ReadResult: Encodable {
        let markedRead: Int64
        let unreadCount: Int64
    }

    @Sendable func read(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireAPIUser()
        let sessionID = try Self.sessionID(context)
        var upTo: Int64?
        if request.headers[.contentLength].flatMap(Int.init) ?? 1 > 0 {
            upTo = try await APIJSON.decode(ReadRequest.self, from: request, context: context).upToMessageId
        }
        let count = try await chat.markRead(sessionID: sessionID, by: user, upToMessageID: upTo)
        let unread = try await chat.findSession(id: sessionID)?.unreadCount(for: user.id) ?? 0
        return try APIJSON.response(ReadResult(markedRead: count, unreadCount: unread))
    }

    struct UnreadCount: Encodable {
        let unreadCount: Int64
    }

    @Sendable func unreadCount(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireAPIUser()
        let total = try await database.read { db in
            try await ChatSessionRepository(db, engine: database.engine).unreadTotal(for: user.id)
        }
        return try APIJSON.response(UnreadCount(unreadCount: total))
    }

    // MARK: Helpers

    /// The session in the path; an id that is not a number names no session.
    static func sessionID(_ context: AppRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else {
            throw APIError.notFound("chat session")
        }
        return id
    }

    /// The session as the list shows it, if the caller may read it; anyone else's answers 404.
    private func visibleSummary(_ id: Int64, to user: User) async throws -> ParticipantChatSummary {
        guard let summary = try await ParticipantChatListing(database: database).summary(sessionID: id, readBy: user)
        else { throw ChatError.sessionNotFound(id: id) }
        return summary
    }

    static func limit(_ request: Request, default fallback: Int = 50, maximum: Int = 100) throws -> Int {
        guard let text = FormData(query: request)["limit"] else { return fallback }
        guard let limit = Int(text), (1...maximum).contains(limit) else {
            throw APIError(
                status: .badRequest, code: "invalid_limit", message: "limit must be 1 to \(maximum).", field: "limit")
        }
        return limit
    }

    static func id(_ request: Request, _ name: String) throws -> Int64? {
        guard let text = FormData(query: request)[name] else { return nil }
        guard let id = Int64(text), id >= 0 else {
            throw APIError(
                status: .badRequest, code: "invalid_query", message: "\(name) must be a message id.", field: name)
        }
        return id
    }
}

/// `GET /api/v1/openapi.json`: the committed OpenAPI 3.1 description of this API.
struct OpenAPIController {
    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(RouterPath(AppPath.API.openAPIDocument)) { _, _ -> Response in
            guard let path = Bundle.module.path(forResource: "openapi", ofType: "json", inDirectory: "OpenAPI"),
                let data = FileManager.default.contents(atPath: path)
            else { throw APIError.notFound("API description") }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}

/// `GET /api/v1/config`: what the app needs before signing in.
struct ConfigController {
    let settings: SettingsService

    struct Config: Encodable {
        let chatEnabled: Bool
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(RouterPath(AppPath.API.config)) { _, _ in
            try APIJSON.response(Config(chatEnabled: try await settings.isChatEnabled()))
        }
    }
}
