import Foundation
import HummingbirdTesting
import ParleyCore
import ParleyTestSupport
import Testing

/// After a change in the messages sub-table the admin lands where it happened.
@Suite("Admin messages sub-table")
struct AdminMessagesPageTests {
    /// A session with `count` messages from its customer, none read.
    static func session(_ context: AdminTestContext, messages count: Int) async throws -> (ChatSession, [ChatMessage]) {
        let f = context.fixtures
        let customer = try await f.user(.customer, name: "Mira Customer")
        let vendor = try await f.user(.vendor, name: "Vera Vendor")
        let product = try await f.product(vendor: vendor, name: "Walnut Tray")
        let chat = context.chat.chat
        let session = try await chat.createSession(productID: product.id, customerID: customer.id, vendorID: vendor.id)
        var sent: [ChatMessage] = []
        for index in 1...count {
            sent.append(try await chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "Note \(index)"))
        }
        return (session, sent)
    }

    @Test func sendingLandsOnTheLastPageAtTheNewMessage() async throws {
        try await AdminTestContext.run { context in
            let (session, _) = try await Self.session(context, messages: 120)
            try await context.browser.get("/admin/chat-sessions/\(session.id)/edit")
            let response = try await context.browser.post(
                "/admin/chat-sessions/\(session.id)/messages", [("sender", "vendor"), ("body", "Here it is")])
            #expect(response.status == .seeOther)
            let stored = try await ConversationReader(database: context.database).latest(
                sessionID: session.id, limit: 1)
            let newID = try #require(stored.first?.message.id)
            #expect(response.location == "/admin/chat-sessions/\(session.id)/edit?messages_page=3#message-\(newID)")
            let page = try await context.browser.get("/admin/chat-sessions/\(session.id)/edit?messages_page=3")
            #expect(page.text.contains("id=\"message-\(newID)\""))
            #expect(page.text.contains("Message sent."))
        }
    }

    @Test func markingOneMessageReadStaysOnItsPage() async throws {
        try await AdminTestContext.run { context in
            let (session, sent) = try await Self.session(context, messages: 60)
            let target = sent[55]
            try await context.browser.get("/admin/chat-sessions/\(session.id)/edit?messages_page=2")
            let response = try await context.browser.post(
                "/admin/chat-sessions/\(session.id)/messages/read", [("messages_page", "2"), ("only", "\(target.id)")])
            #expect(response.location == "/admin/chat-sessions/\(session.id)/edit?messages_page=2#message-\(target.id)")
        }
    }

    @Test func markingSelectedMessagesReadStaysOnThePage() async throws {
        try await AdminTestContext.run { context in
            let (session, sent) = try await Self.session(context, messages: 60)
            try await context.browser.get("/admin/chat-sessions/\(session.id)/edit?messages_page=2")
            let response = try await context.browser.post(
                "/admin/chat-sessions/\(session.id)/messages/read",
                [("messages_page", "2"), ("scope", "selected"), ("ids", "\(sent[51].id)"), ("ids", "\(sent[52].id)")])
            #expect(response.location == "/admin/chat-sessions/\(session.id)/edit?messages_page=2#messages")
        }
    }

    @Test func deletingTheOnlyMessageOfTheLastPageLandsOnThePageBefore() async throws {
        try await AdminTestContext.run { context in
            let (session, sent) = try await Self.session(context, messages: 51)
            try await context.browser.get("/admin/chat-sessions/\(session.id)/edit?messages_page=2")
            let response = try await context.browser.post(
                "/admin/chat-sessions/\(session.id)/messages/\(sent[50].id)/delete", [("messages_page", "2")])
            #expect(response.location == "/admin/chat-sessions/\(session.id)/edit#messages")
        }
    }

    @Test func theSummarySaysOneMessageInTheSingular() async throws {
        try await AdminTestContext.run { context in
            let (session, _) = try await Self.session(context, messages: 1)
            let page = try await context.browser.get("/admin/chat-sessions/\(session.id)/edit")
            #expect(page.text.contains("1 message, 1 unread"))
        }
    }
}
