import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ParleyCore
import ParleyServer
import ParleyTestSupport
import Testing

/// An API client over real HTTP.
struct APIClient: Sendable {
    let client: any TestClientProtocol
    var token: String?

    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ path: String, json: String? = nil, headers: HTTPFields = [:]
    )
        async throws -> TestResponse
    {
        var headers = headers
        if let token, headers[.authorization] == nil { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await client.executeRequest(
            uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    func signIn(_ email: String, _ password: String = Fixtures.password) async throws -> APIClient {
        let response = try await send(
            .post, "/api/v1/auth/token", json: #"{"email":"\#(email)","password":"\#(password)"}"#)
        #expect(response.status == .created, "\(String(buffer: response.body))")
        let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
        var signedIn = self
        signedIn.token = object?["token"] as? String
        return signedIn
    }
}

extension TestResponse {
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }

    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
}

/// The API on a fresh database.
struct APITestContext: Sendable {
    let chat: ChatTestContext
    let api: APIClient
    /// What the application runs on; its services are not ``chat``'s.
    let dependencies: AppDependencies

    static func run(
        sendRateLimit: SendRateLimit? = .standard, logger: Logger = Logger(label: "test"),
        connections: ConnectionLimits = .patient, metricsToken: String? = nil,
        _ body: @Sendable (APITestContext) async throws -> Void
    ) async throws {
        try await ChatTestContext.run { chat in
            let dependencies = AppDependencies(
                database: chat.database, events: chat.events, bcryptCost: 4, sendRateLimit: sendRateLimit)
            let app = try await buildApplication(
                host: "127.0.0.1", port: 0, dependencies: dependencies, ownsDatabase: false, logger: logger,
                connections: connections, metricsToken: metricsToken)
            try await app.test(.live) { client in
                try await body(APITestContext(chat: chat, api: APIClient(client: client), dependencies: dependencies))
            }
        }
    }
}

@Suite("Chat API")
struct ChatAPITests {
    @Test func tokensAreIssuedForGoodCredentialsStoredHashedAndRevoked() async throws {
        try await APITestContext.run { context in
            let user = try await context.chat.fixtures.user(.customer)
            let bad = try await context.api.send(
                .post, "/api/v1/auth/token", json: #"{"email":"\#(user.email)","password":"wrong"}"#)
            #expect(bad.status == .unauthorized && bad.errorCode == "invalid_credentials")
            let api = try await context.api.signIn(user.email)
            let token = try #require(api.token)
            let stored = try await context.chat.database.read { db in
                try await db.raw("SELECT token_hash FROM api_tokens").all().map {
                    try $0.decode(column: "token_hash", as: String.self)
                }
            }
            #expect(stored == [SecretToken.hash(token)])
            #expect(try await api.send(.get, "/api/v1/unread-count").status == .ok)
            #expect(try await api.send(.delete, "/api/v1/auth/token").status == .noContent)
            let after = try await api.send(.get, "/api/v1/unread-count")
            #expect(after.status == .unauthorized && after.errorCode == "unauthorized")
        }
    }

    @Test func aCustomerOpensAConversationOnceAndSeesItInTheirList() async throws {
        try await APITestContext.run { context in
            let customer = try await context.chat.fixtures.user(.customer)
            let vendor = try await context.chat.fixtures.user(.vendor)
            let product = try await context.chat.fixtures.product(vendor: vendor)
            let api = try await context.api.signIn(customer.email)
            let first = try await api.send(.post, "/api/v1/chat-sessions", json: #"{"product_id":\#(product.id)}"#)
            #expect(first.status == .created)
            let again = try await api.send(.post, "/api/v1/chat-sessions", json: #"{"product_id":\#(product.id)}"#)
            #expect(again.status == .ok && (again.json["id"] as? Int) == (first.json["id"] as? Int))
            #expect((first.json["vendor"] as? [String: Any])?["id"] as? Int == Int(vendor.id))
            let list = try await api.send(.get, "/api/v1/chat-sessions")
            #expect((list.json["data"] as? [Any])?.count == 1)
            #expect(list.json.keys.contains("next_cursor"))
        }
    }

    @Test func badInputNamesTheField() async throws {
        try await APITestContext.run { context in
            let customer = try await context.chat.fixtures.user(.customer)
            let api = try await context.api.signIn(customer.email)
            let unknown = try await api.send(.post, "/api/v1/chat-sessions", json: #"{"product_id":999999}"#)
            #expect(unknown.status == .unprocessableContent && unknown.errorCode == "unknown_product")
            let malformed = try await api.send(.post, "/api/v1/chat-sessions", json: "{nope")
            #expect(malformed.status == .badRequest && malformed.errorCode == "malformed_json")
            let wrongType = try await api.send(.post, "/api/v1/chat-sessions", json: #"{"product_id":"seven"}"#)
            #expect(wrongType.status == .badRequest && wrongType.errorCode == "invalid_field")
            #expect((wrongType.json["error"] as? [String: Any])?["field"] as? String == "product_id")
            let huge = String(repeating: "x", count: 70 * 1024)
            let tooLarge = try await api.send(.post, "/api/v1/chat-sessions", json: #"{"product_id":1,"x":"\#(huge)"}"#)
            #expect(tooLarge.status == .contentTooLarge)
        }
    }

    @Test func sendingReadingAndTheUnreadCountMoveTogether() async throws {
        try await APITestContext.run { context in
            let (customer, vendor, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let alice = try await context.api.signIn(customer.email)
            let bob = try await context.api.signIn(vendor.email)
            let sent = try await alice.send(
                .post, "/api/v1/chat-sessions/\(session.id)/messages",
                json: #"{"body":"  Hello?  ","client_message_id":"c-1"}"#)
            #expect(sent.status == .created && sent.json["body"] as? String == "Hello?")
            #expect((sent.json["created_at"] as? String)?.hasSuffix("Z") == true)
            let resent = try await alice.send(
                .post, "/api/v1/chat-sessions/\(session.id)/messages",
                json: #"{"body":"Hello?","client_message_id":"c-1"}"#)
            #expect(resent.status == .ok && (resent.json["id"] as? Int) == (sent.json["id"] as? Int))
            #expect(try await context.chat.fixtures.tableCounts()["chat_messages"] == 1)
            #expect(try await bob.send(.get, "/api/v1/unread-count").json["unread_count"] as? Int == 1)
            let read = try await bob.send(.post, "/api/v1/chat-sessions/\(session.id)/read", json: "{}")
            #expect(read.json["marked_read"] as? Int == 1 && read.json["unread_count"] as? Int == 0)
            #expect(try await bob.send(.get, "/api/v1/unread-count").json["unread_count"] as? Int == 0)
        }
    }

    @Test func aSendAfterShutdownBeganAnswers503WithRetryAfterAndWritesNothing() async throws {
        try await APITestContext.run { context in
            let (customer, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let alice = try await context.api.signIn(customer.email)
            await context.dependencies.chat.sendQueue.finish()
            let refused = try await alice.send(
                .post, "/api/v1/chat-sessions/\(session.id)/messages", json: #"{"body":"Still there?"}"#)
            #expect(refused.status == .serviceUnavailable && refused.errorCode == "shutting_down")
            #expect(refused.headers[.retryAfter] == String(ServiceShuttingDown.retryAfter))
            #expect(try await context.chat.fixtures.tableCounts()["chat_messages"] == 0)
        }
    }

    @Test func badMessagesAreRefusedWithTheFieldNamed() async throws {
        try await APITestContext.run { context in
            let (customer, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let api = try await context.api.signIn(customer.email)
            let path = "/api/v1/chat-sessions/\(session.id)/messages"
            let empty = try await api.send(.post, path, json: #"{"body":"   "}"#)
            #expect(empty.status == .unprocessableContent && empty.errorCode == "empty_body")
            let long = try await api.send(.post, path, json: #"{"body":"\#(String(repeating: "a", count: 5_001))"}"#)
            #expect(long.status == .unprocessableContent && long.errorCode == "body_too_long")
            let missing = try await api.send(.post, path, json: "{}")
            #expect(missing.status == .badRequest && missing.errorCode == "missing_field")
            #expect(try await context.chat.fixtures.tableCounts()["chat_messages"] == 0)
        }
    }

    @Test func anotherUsersSessionAnswers404() async throws {
        try await APITestContext.run { context in
            let (_, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let stranger = try await context.chat.fixtures.user(.customer)
            let api = try await context.api.signIn(stranger.email)
            for (method, path, json) in [
                (HTTPRequest.Method.get, "/api/v1/chat-sessions/\(session.id)", nil),
                (.get, "/api/v1/chat-sessions/\(session.id)/messages", nil),
                (.post, "/api/v1/chat-sessions/\(session.id)/messages", #"{"body":"hi"}"#),
                (.post, "/api/v1/chat-sessions/\(session.id)/read", "{}"),
                (.get, "/api/v1/chat-sessions/987654", nil),
            ] {
                let response = try await api.send(method, path, json: json)
                #expect(response.status == .notFound && response.errorCode == "not_found", "\(path)")
            }
        }
    }

    @Test func messagesPageBothWays() async throws {
        try await APITestContext.run { context in
            let (customer, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            var ids: [Int64] = []
            for index in 1...7 {
                ids.append(
                    try await context.chat.chat.sendMessage(
                        sessionID: session.id, senderID: customer.id, body: "m\(index)"
                    ).id)
            }
            let api = try await context.api.signIn(customer.email)
            let base = "/api/v1/chat-sessions/\(session.id)/messages"
            let latest = try await api.send(.get, base + "?limit=3")
            #expect(
                (latest.json["data"] as? [[String: Any]])?.compactMap { $0["body"] as? String } == ["m5", "m6", "m7"])
            let cursor = try #require(latest.json["next_cursor"] as? String)
            let older = try await api.send(.get, base + "?limit=3&before=\(cursor)")
            #expect(
                (older.json["data"] as? [[String: Any]])?.compactMap { $0["body"] as? String } == ["m2", "m3", "m4"])
            let catchUp = try await api.send(.get, base + "?after=\(ids[4])")
            #expect((catchUp.json["data"] as? [[String: Any]])?.compactMap { $0["body"] as? String } == ["m6", "m7"])
            #expect(catchUp.json["next_cursor"] is NSNull)
        }
    }

    @Test func beforeAndAfterTogetherAnswer422() async throws {
        try await APITestContext.run { context in
            let (customer, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let api = try await context.api.signIn(customer.email)
            let response = try await api.send(.get, "/api/v1/chat-sessions/\(session.id)/messages?before=5&after=1")
            #expect(response.status == .unprocessableContent && response.errorCode == "conflicting_query")
            #expect(response.headers[.contentType] == "application/json")
        }
    }

    @Test func disabledChatAnswers403WhileConfigSaysSo() async throws {
        try await APITestContext.run { context in
            let customer = try await context.chat.fixtures.user(.customer)
            let api = try await context.api.signIn(customer.email)
            #expect(try await context.api.send(.get, "/api/v1/config").json["chat_enabled"] as? Bool == true)
            try await SettingsService(database: context.chat.database).setChatEnabled(false)
            #expect(try await context.api.send(.get, "/api/v1/config").json["chat_enabled"] as? Bool == false)
            let refused = try await api.send(.get, "/api/v1/chat-sessions")
            #expect(refused.status == .forbidden && refused.errorCode == "chat_disabled")
        }
    }

    @Test func sendingTooFastIsLimited() async throws {
        // An hour's window: on a loaded machine 21 sends can take longer than the standard 10 s.
        try await APITestContext.run(sendRateLimit: SendRateLimit(messages: 20, seconds: 3600)) { context in
            let (customer, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let api = try await context.api.signIn(customer.email)
            var statuses: [HTTPResponse.Status] = []
            var retryAfter: String?
            for index in 0..<21 {
                let response = try await api.send(
                    .post, "/api/v1/chat-sessions/\(session.id)/messages", json: #"{"body":"n\#(index)"}"#)
                statuses.append(response.status)
                retryAfter = response.headers[.init("Retry-After")!] ?? retryAfter
            }
            #expect(statuses.prefix(20).allSatisfy { $0 == .created })
            #expect(statuses.last == .tooManyRequests)
            #expect(Int(retryAfter ?? "") ?? 0 >= 1)
        }
    }

    @Test func theSendLimitCanBeConfiguredAway() async throws {
        try await APITestContext.run(sendRateLimit: nil) { context in
            let (customer, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let api = try await context.api.signIn(customer.email)
            for index in 0..<25 {
                let response = try await api.send(
                    .post, "/api/v1/chat-sessions/\(session.id)/messages", json: #"{"body":"n\#(index)"}"#)
                #expect(response.status == .created)
            }
        }
    }

    @Test func productsAreFoundByNameWithTheirVendor() async throws {
        try await APITestContext.run { context in
            let vendor = try await context.chat.fixtures.user(.vendor, name: "Fernwood Ceramics")
            let mug = try await context.chat.fixtures.product(vendor: vendor, name: "Stoneware Mug")
            _ = try await context.chat.fixtures.product(vendor: vendor, name: "Dinner Plate")
            let customer = try await context.chat.fixtures.user(.customer)
            let api = try await context.api.signIn(customer.email)
            let found = try await api.send(.get, "/api/v1/products?search=mug")
            let data = try #require(found.json["data"] as? [[String: Any]])
            #expect(data.map { $0["id"] as? Int } == [Int(mug.id)])
            #expect((data.first?["vendor"] as? [String: Any])?["name"] as? String == "Fernwood Ceramics")
            #expect(found.json["next_cursor"] is NSNull)
            let badLimit = try await api.send(.get, "/api/v1/products?limit=500")
            #expect(badLimit.status == .badRequest && badLimit.errorCode == "invalid_limit")
            let anonymous = try await context.api.send(.get, "/api/v1/products?search=mug")
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test func theWebChatPageAndItsScriptsAreServedWithoutSignIn() async throws {
        try await APITestContext.run { context in
            let page = try await context.api.send(.get, "/chat")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(String(buffer: page.body).contains(#"<script type="module" src="/chat/assets/chat.js">"#))
            for asset in ["chat.js", "api.js", "realtime.js", "chat.css"] {
                let response = try await context.api.send(.get, "/chat/assets/\(asset)")
                #expect(response.status == .ok, "\(asset)")
            }
        }
    }

    @Test func theSessionListPagesByCursorNewestFirst() async throws {
        try await APITestContext.run { context in
            let customer = try await context.chat.fixtures.user(.customer)
            var sessions: [ChatSession] = []
            for _ in 0..<5 {
                let vendor = try await context.chat.fixtures.user(.vendor)
                let product = try await context.chat.fixtures.product(vendor: vendor)
                let session = try await context.chat.chat.createSession(
                    productID: product.id, customerID: customer.id, vendorID: vendor.id)
                _ = try await context.chat.chat.sendMessage(sessionID: session.id, senderID: vendor.id, body: "hi")
                sessions.append(session)
                try await Task.sleep(for: .milliseconds(3))
            }
            let api = try await context.api.signIn(customer.email)
            var seen: [Int] = []
            var cursor: String?
            repeat {
                let path = "/api/v1/chat-sessions?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await api.send(.get, path)
                let data = page.json["data"] as? [[String: Any]] ?? []
                seen += data.compactMap { $0["id"] as? Int }
                #expect(data.allSatisfy { $0["unread_count"] as? Int == 1 })
                cursor = page.json["next_cursor"] as? String
            } while cursor != nil
            #expect(seen == sessions.reversed().map { Int($0.id) })
        }
    }

    @Test func theOpenAPIDocumentIsServedAndDescribesEveryRoute() async throws {
        try await APITestContext.run { context in
            let response = try await context.api.send(.get, "/api/v1/openapi.json")
            #expect(response.status == .ok && response.json["openapi"] as? String == "3.1.0")
            let paths = Set((response.json["paths"] as? [String: Any])?.keys.map { $0 } ?? [])
            #expect(
                paths == [
                    "/api/v1/auth/token", "/api/v1/config", "/api/v1/chat-sessions", "/api/v1/chat-sessions/{id}",
                    "/api/v1/chat-sessions/{id}/messages", "/api/v1/chat-sessions/{id}/read", "/api/v1/unread-count",
                    "/api/v1/realtime", "/api/v1/products", "/api/v1/chat-sessions/{id}/mute", "/api/v1/devices",
                    "/api/v1/devices/{token}", "/api/v1/me/preferences", "/api/v1/chat-sessions/{id}/block",
                    "/api/v1/chat-sessions/{id}/reports",
                ])
        }
    }
}
