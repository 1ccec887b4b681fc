import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyCore
import ParleyTestSupport
import Testing

/// Who may open, read and write in conversations through the API (``ChatAccess``): customers open,
/// vendors answer, administrators' tokens read everything and write nothing.
@Suite("Chat API: who may do what")
struct ChatAccessAPITests {
    @Test func aVendorCannotOpenAConversation() async throws {
        try await APITestContext.run { context in
            let vendor = try await context.chat.fixtures.user(.vendor)
            let otherVendor = try await context.chat.fixtures.user(.vendor)
            let product = try await context.chat.fixtures.product(vendor: otherVendor)
            let api = try await context.api.signIn(vendor.email)
            let response = try await api.send(.post, "/api/v1/chat-sessions", json: #"{"product_id":\#(product.id)}"#)
            #expect(response.status == .forbidden && response.errorCode == "customers_only")
            #expect(try await context.chat.fixtures.tableCounts()["chat_sessions"] == 0)
        }
    }

    @Test func aVendorCannotOpenAConversationAboutTheirOwnProduct() async throws {
        try await APITestContext.run { context in
            let vendor = try await context.chat.fixtures.user(.vendor)
            let product = try await context.chat.fixtures.product(vendor: vendor)
            let api = try await context.api.signIn(vendor.email)
            let response = try await api.send(.post, "/api/v1/chat-sessions", json: #"{"product_id":\#(product.id)}"#)
            #expect(response.status == .forbidden && response.errorCode == "customers_only")
        }
    }

    @Test func anAdministratorsTokenCannotOpenAConversation() async throws {
        try await APITestContext.run { context in
            let vendor = try await context.chat.fixtures.user(.vendor)
            let product = try await context.chat.fixtures.product(vendor: vendor)
            let admin = try await context.chat.fixtures.user(.admin)
            let api = try await context.api.signIn(admin.email)
            let response = try await api.send(.post, "/api/v1/chat-sessions", json: #"{"product_id":\#(product.id)}"#)
            #expect(response.status == .forbidden && response.errorCode == "customers_only")
            #expect(try await context.chat.fixtures.tableCounts()["chat_sessions"] == 0)
        }
    }

    @Test func anAdministratorsTokenCannotSendInASession() async throws {
        try await APITestContext.run { context in
            let (_, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let admin = try await context.chat.fixtures.user(.admin)
            let api = try await context.api.signIn(admin.email)
            let response = try await api.send(
                .post, "/api/v1/chat-sessions/\(session.id)/messages", json: #"{"body":"from the admin"}"#)
            #expect(response.status == .forbidden && response.errorCode == "not_participant")
            #expect(try await context.chat.fixtures.tableCounts()["chat_messages"] == 0)
        }
    }

    @Test func anAdministratorsTokenCannotSendEvenInASessionWhereTheAdministratorIsTheCustomer() async throws {
        try await APITestContext.run { context in
            // The admin panel may set up a session with any user as its customer.
            let admin = try await context.chat.fixtures.user(.admin)
            let vendor = try await context.chat.fixtures.user(.vendor)
            let product = try await context.chat.fixtures.product(vendor: vendor)
            let session = try await context.chat.chat.createSession(
                productID: product.id, customerID: admin.id, vendorID: vendor.id)
            let api = try await context.api.signIn(admin.email)
            let response = try await api.send(
                .post, "/api/v1/chat-sessions/\(session.id)/messages", json: #"{"body":"as the customer"}"#)
            #expect(response.status == .forbidden && response.errorCode == "not_participant")
            #expect(try await context.chat.fixtures.tableCounts()["chat_messages"] == 0)
        }
    }

    @Test func anAdministratorsTokenCannotMarkASessionRead() async throws {
        try await APITestContext.run { context in
            let (customer, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            _ = try await context.chat.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "Hello")
            let admin = try await context.chat.fixtures.user(.admin)
            let api = try await context.api.signIn(admin.email)
            let response = try await api.send(.post, "/api/v1/chat-sessions/\(session.id)/read", json: "{}")
            #expect(response.status == .forbidden && response.errorCode == "not_participant")
            #expect(try await context.chat.chat.findSession(id: session.id)?.unreadCount == 1)
        }
    }

    @Test func anAdministratorsTokenListsEverySession() async throws {
        try await APITestContext.run { context in
            var ids: [Int] = []
            for _ in 0..<3 {
                let (customer, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
                _ = try await context.chat.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "Hi")
                ids.append(Int(session.id))
                try await Task.sleep(for: .milliseconds(3))
            }
            let admin = try await context.chat.fixtures.user(.admin)
            let api = try await context.api.signIn(admin.email)
            let first = try await api.send(.get, "/api/v1/chat-sessions?limit=2")
            let cursor = try #require(first.json["next_cursor"] as? String)
            let second = try await api.send(.get, "/api/v1/chat-sessions?limit=2&cursor=\(cursor)")
            let seen = [first, second].flatMap {
                ($0.json["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
            }
            #expect(seen == ids.reversed())
            #expect(second.json["next_cursor"] is NSNull)
        }
    }

    @Test func anAdministratorsTokenReadsAnySessionAndItsMessages() async throws {
        try await APITestContext.run { context in
            let (customer, vendor, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            _ = try await context.chat.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "Hello")
            _ = try await context.chat.chat.sendMessage(sessionID: session.id, senderID: vendor.id, body: "Hi!")
            let admin = try await context.chat.fixtures.user(.admin)
            let api = try await context.api.signIn(admin.email)
            let shown = try await api.send(.get, "/api/v1/chat-sessions/\(session.id)")
            #expect(shown.status == .ok && shown.json["id"] as? Int == Int(session.id))
            let messages = try await api.send(.get, "/api/v1/chat-sessions/\(session.id)/messages")
            let bodies = (messages.json["data"] as? [[String: Any]])?.compactMap { $0["body"] as? String }
            #expect(messages.status == .ok && bodies == ["Hello", "Hi!"])
        }
    }

    @Test func aMissingSessionAnswers404ToAnAdministratorsToken() async throws {
        try await APITestContext.run { context in
            let admin = try await context.chat.fixtures.user(.admin)
            let api = try await context.api.signIn(admin.email)
            for (method, path, json) in [
                (HTTPRequest.Method.get, "/api/v1/chat-sessions/987654", nil),
                (.get, "/api/v1/chat-sessions/987654/messages", nil),
                (.post, "/api/v1/chat-sessions/987654/messages", #"{"body":"hi"}"#),
                (.post, "/api/v1/chat-sessions/987654/read", "{}"),
            ] {
                let response = try await api.send(method, path, json: json)
                #expect(response.status == .notFound && response.errorCode == "not_found", "\(method) \(path)")
            }
        }
    }

    @Test func aCustomerOpensAndWritesInTheirConversation() async throws {
        try await APITestContext.run { context in
            let customer = try await context.chat.fixtures.user(.customer)
            let vendor = try await context.chat.fixtures.user(.vendor)
            let product = try await context.chat.fixtures.product(vendor: vendor)
            let api = try await context.api.signIn(customer.email)
            let opened = try await api.send(.post, "/api/v1/chat-sessions", json: #"{"product_id":\#(product.id)}"#)
            #expect(opened.status == .created)
            let id = try #require(opened.json["id"] as? Int)
            let sent = try await api.send(
                .post, "/api/v1/chat-sessions/\(id)/messages", json: #"{"body":"Is it oak?"}"#)
            #expect(sent.status == .created && sent.json["sender_role"] as? String == "customer")
        }
    }

    @Test func aVendorAnswersInAConversationAboutTheirProduct() async throws {
        try await APITestContext.run { context in
            let (customer, vendor, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            _ = try await context.chat.chat.sendMessage(
                sessionID: session.id, senderID: customer.id, body: "Is it oak?")
            let api = try await context.api.signIn(vendor.email)
            let list = try await api.send(.get, "/api/v1/chat-sessions")
            #expect((list.json["data"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [Int(session.id)])
            let read = try await api.send(.post, "/api/v1/chat-sessions/\(session.id)/read", json: "{}")
            #expect(read.status == .ok && read.json["marked_read"] as? Int == 1)
            let sent = try await api.send(
                .post, "/api/v1/chat-sessions/\(session.id)/messages", json: #"{"body":"Solid oak."}"#)
            #expect(sent.status == .created && sent.json["sender_role"] as? String == "vendor")
        }
    }

    @Test func anotherVendorsSessionAnswers404() async throws {
        try await APITestContext.run { context in
            let (_, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let stranger = try await context.chat.fixtures.user(.vendor)
            let api = try await context.api.signIn(stranger.email)
            for (method, path, json) in [
                (HTTPRequest.Method.get, "/api/v1/chat-sessions/\(session.id)", nil),
                (.get, "/api/v1/chat-sessions/\(session.id)/messages", nil),
                (.post, "/api/v1/chat-sessions/\(session.id)/messages", #"{"body":"hi"}"#),
                (.post, "/api/v1/chat-sessions/\(session.id)/read", "{}"),
            ] {
                let response = try await api.send(method, path, json: json)
                #expect(response.status == .notFound && response.errorCode == "not_found", "\(method) \(path)")
            }
            let list = try await api.send(.get, "/api/v1/chat-sessions")
            #expect((list.json["data"] as? [Any])?.isEmpty == true)
        }
    }
}
