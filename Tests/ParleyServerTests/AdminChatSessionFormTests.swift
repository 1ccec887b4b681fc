import Foundation
import HummingbirdTesting
import ParleyCore
@testable import ParleyServer
import ParleyTestSupport
import Testing

@Suite("Admin chat session forms")
struct AdminChatSessionFormTests {
    @Test func theCreateFormOffersRequiredDropdownsAndDefaultsTheTimeToNow() async throws {
        try await AdminTestContext.run { context in
            let html = try await context.browser.get("/admin/chat-sessions/create").text
            for name in ["product_id", "customer_id", "vendor_id"] {
                #expect(html.contains("name=\"\(name)\""))
            }
            #expect(html.contains("data-lookup=\"/admin/lookup/products\""))
            #expect(
                html.contains("type=\"datetime-local\" step=\"1\" value=\"\(Formatting.inputValue(Date()).prefix(13))"))
            #expect(html.contains("value=\"create\">Create</button>") && html.contains("Create &amp; Create Another"))
            #expect(html.contains("href=\"/admin/chat-sessions\">Cancel</a>"))
        }
    }

    @Test func creatingReturnsToTheListWhereTheSessionShows() async throws {
        try await AdminTestContext.run { context in
            let customer = try await context.fixtures.user(.customer)
            let vendor = try await context.fixtures.user(.vendor)
            let product = try await context.fixtures.product(vendor: vendor)
            try await context.browser.get("/admin/chat-sessions/create")
            let response = try await context.browser.post(
                "/admin/chat-sessions",
                [
                    ("product_id", "\(product.id)"), ("customer_id", "\(customer.id)"), ("vendor_id", "\(vendor.id)"),
                    ("last_message_at", "11/24/2026, 03:05:09 PM"), ("intent", "create"),
                ])
            #expect(response.status == .seeOther && response.location == "/admin/chat-sessions")
            let list = try await context.browser.get("/admin/chat-sessions")
            #expect(list.text.contains("Chat session #") && list.text.contains("created."))
            let sessions = try await context.fixtures.allSessions()
            #expect(sessions.count == 1)
            #expect(sessions.first?.lastMessageAt.map(Formatting.exact) == "11/24/2026, 03:05:09 PM UTC")
            #expect(AdminChatSessionListTests.listedIDs(list.text) == [sessions[0].id])
            // The notice shows once.
            #expect(!(try await context.browser.get("/admin/chat-sessions").text.contains("created.")))
        }
    }

    @Test func createAndCreateAnotherStaysOnAnEmptyForm() async throws {
        try await AdminTestContext.run { context in
            let customer = try await context.fixtures.user(.customer)
            let vendor = try await context.fixtures.user(.vendor)
            let product = try await context.fixtures.product(vendor: vendor)
            try await context.browser.get("/admin/chat-sessions/create")
            let response = try await context.browser.post(
                "/admin/chat-sessions",
                [
                    ("product_id", "\(product.id)"), ("customer_id", "\(customer.id)"), ("vendor_id", "\(vendor.id)"),
                    ("last_message_at", "2026-11-24T10:00:00"), ("intent", "create_another"),
                ])
            #expect(response.location == "/admin/chat-sessions/create")
            let form = try await context.browser.get("/admin/chat-sessions/create")
            #expect(form.text.contains("Create another one."))
            #expect(form.text.contains("name=\"product_id\" value=\"\""))
        }
    }

    @Test func missingFieldsAreReportedBesideEachFieldWithTheInputKept() async throws {
        try await AdminTestContext.run { context in
            let vendor = try await context.fixtures.user(.vendor, name: "Vera Vendor")
            try await context.browser.get("/admin/chat-sessions/create")
            let response = try await context.browser.post(
                "/admin/chat-sessions",
                [
                    ("product_id", ""), ("customer_id", ""), ("vendor_id", "\(vendor.id)"),
                    ("last_message_at", "not a date"),
                ])
            #expect(response.status == .unprocessableContent)
            let html = response.text
            #expect(html.contains("Choose the product this conversation is about."))
            #expect(html.contains("Choose the customer."))
            #expect(html.contains("Enter a date and time like"))
            #expect(html.contains("value=\"Vera Vendor\"") && html.contains("value=\"not a date\""))
            #expect(try await context.fixtures.tableCounts()["chat_sessions"] == 0)
        }
    }

    @Test func theServicesRulesComeBackAsFieldErrors() async throws {
        try await AdminTestContext.run { context in
            let vendor = try await context.fixtures.user(.vendor)
            let product = try await context.fixtures.product(vendor: vendor)
            try await context.browser.get("/admin/chat-sessions/create")
            let same = try await context.browser.post(
                "/admin/chat-sessions",
                [("product_id", "\(product.id)"), ("customer_id", "\(vendor.id)"), ("vendor_id", "\(vendor.id)")])
            #expect(same.status == .unprocessableContent)
            #expect(same.text.contains("The vendor must be someone other than the customer."))
            let unknown = try await context.browser.post(
                "/admin/chat-sessions",
                [("product_id", "987654"), ("customer_id", "\(vendor.id)"), ("vendor_id", "\(vendor.id)")])
            #expect(unknown.text.contains("#987654 does not exist"))
        }
    }

    @Test func aDuplicateLinksToTheExistingSession() async throws {
        try await AdminTestContext.run { context in
            let (customer, vendor, product, existing) = try await context.fixtures.conversation(chat: context.chat.chat)
            try await context.browser.get("/admin/chat-sessions/create")
            let response = try await context.browser.post(
                "/admin/chat-sessions",
                [("product_id", "\(product.id)"), ("customer_id", "\(customer.id)"), ("vendor_id", "\(vendor.id)")])
            #expect(response.status == .conflict)
            #expect(response.text.contains("href=\"/admin/chat-sessions/\(existing.id)/edit\""))
        }
    }

    @Test func editingSavesTheFields() async throws {
        try await AdminTestContext.run { context in
            let (_, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            let newCustomer = try await context.fixtures.user(.customer, name: "Nina New")
            let edit = try await context.browser.get("/admin/chat-sessions/\(session.id)/edit")
            #expect(edit.text.contains("Edit chat session #\(session.id)") && edit.text.contains("id=\"messages\""))
            let response = try await context.browser.post(
                "/admin/chat-sessions/\(session.id)",
                [
                    ("product_id", "\(session.productID)"), ("customer_id", "\(newCustomer.id)"),
                    ("vendor_id", "\(vendor.id)"), ("last_message_at", "2026-01-02T03:04:05"),
                ])
            #expect(response.status == .seeOther)
            let stored = try #require(try await context.chat.chat.findSession(id: session.id))
            #expect(stored.customerID == newCustomer.id)
            #expect(stored.lastMessageAt.map(Formatting.inputValue) == "2026-01-02T03:04:05")
        }
    }

    @Test func deletingRemovesTheSessionAndItsMessages() async throws {
        try await AdminTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            _ = try await context.chat.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "bye")
            try await context.browser.get("/admin/chat-sessions")
            let response = try await context.browser.post(
                "/admin/chat-sessions/\(session.id)/delete", [("return_to", "/admin/chat-sessions?unread=1")])
            #expect(response.status == .seeOther && response.location == "/admin/chat-sessions?unread=1")
            #expect(try await context.fixtures.tableCounts()["chat_messages"] == 0)
            let list = try await context.browser.get("/admin/chat-sessions")
            #expect(list.text.contains("Chat session #\(session.id) and its messages were deleted."))
            #expect(try await context.browser.post("/admin/chat-sessions/\(session.id)/delete", []).status == .notFound)
        }
    }
}

@Suite("Admin bulk actions and messages")
struct AdminBulkAndMessageTests {
    @Test func bulkMarkReadAndDeleteReportTheirCounts() async throws {
        try await AdminTestContext.run { context in
            var ids: [Int64] = []
            for _ in 0..<3 {
                let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
                _ = try await context.chat.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "x")
                ids.append(session.id)
            }
            try await context.browser.get("/admin/chat-sessions")
            let read = try await context.browser.post(
                "/admin/chat-sessions/bulk", [("action", "mark_read"), ("ids", "\(ids[0])"), ("ids", "\(ids[1])")])
            #expect(read.status == .seeOther)
            let afterRead = try await context.browser.get("/admin/chat-sessions")
            #expect(afterRead.text.contains("Marked 2 messages as read in 2 chat sessions."))
            #expect(try await UnreadBadgeProbe(context.browser).value() == 1)

            let deleted = try await context.browser.post(
                "/admin/chat-sessions/bulk", [("action", "delete"), ("ids", "\(ids[0])"), ("ids", "\(ids[2])")])
            #expect(deleted.status == .seeOther)
            let afterDelete = try await context.browser.get("/admin/chat-sessions")
            #expect(afterDelete.text.contains("2 chat sessions deleted."))
            #expect(AdminChatSessionListTests.listedIDs(afterDelete.text) == [ids[1]])
            #expect(try await UnreadBadgeProbe(context.browser).value() == nil)
        }
    }

    @Test func aBulkActionWithNothingSelectedSaysSo() async throws {
        try await AdminTestContext.run { context in
            try await context.browser.get("/admin/chat-sessions")
            let response = try await context.browser.post("/admin/chat-sessions/bulk", [("action", "delete")])
            #expect(response.status == .seeOther)
            #expect(
                try await context.browser.get("/admin/chat-sessions").text.contains("Select at least one chat session"))
        }
    }

    @Test func anAdministratorAddsMessagesAsEitherParticipant() async throws {
        try await AdminTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            try await context.browser.get("/admin/chat-sessions/\(session.id)/edit")
            let asVendor = try await context.browser.post(
                "/admin/chat-sessions/\(session.id)/messages", [("body", "We ship tomorrow."), ("sender", "vendor")])
            _ = try await context.browser.post(
                "/admin/chat-sessions/\(session.id)/messages", [("body", "Thanks!"), ("sender", "customer")])
            let messages = try await context.fixtures.messages(in: session.id)
            #expect(asVendor.status == .seeOther)
            #expect(asVendor.location == "/admin/chat-sessions/\(session.id)/edit#message-\(messages[0].id)")
            #expect(messages.map(\.senderID) == [vendor.id, customer.id])
            let stored = try #require(try await context.chat.chat.findSession(id: session.id))
            #expect(stored.messagesCount == 2 && stored.customerUnreadCount == 1 && stored.vendorUnreadCount == 1)
            let page = try await context.browser.get("/admin/chat-sessions/\(session.id)/edit")
            #expect(page.text.contains("We ship tomorrow.") && page.text.contains("2 messages, 2 unread"))
        }
    }

    @Test func anEmptyMessageIsReportedBesideTheBox() async throws {
        try await AdminTestContext.run { context in
            let (_, _, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            try await context.browser.get("/admin/chat-sessions/\(session.id)/edit")
            let response = try await context.browser.post(
                "/admin/chat-sessions/\(session.id)/messages", [("body", "   "), ("sender", "customer")])
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("Write a message with some visible text before sending."))
            #expect(try await context.fixtures.tableCounts()["chat_messages"] == 0)
        }
    }

    @Test func messagesAreMarkedReadOneSelectedOrAllAndDeleted() async throws {
        try await AdminTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            var sent: [ChatMessage] = []
            for text in ["1", "2", "3", "4"] {
                sent.append(
                    try await context.chat.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: text))
            }
            let path = "/admin/chat-sessions/\(session.id)"
            try await context.browser.get(path + "/edit")
            _ = try await context.browser.post(path + "/messages/read", [("only", "\(sent[0].id)")])
            #expect(try #require(try await context.chat.chat.findSession(id: session.id)).unreadCount == 3)
            _ = try await context.browser.post(
                path + "/messages/read", [("scope", "selected"), ("ids", "\(sent[1].id)"), ("ids", "\(sent[2].id)")])
            #expect(try #require(try await context.chat.chat.findSession(id: session.id)).unreadCount == 1)
            _ = try await context.browser.post(path + "/messages/read", [("scope", "all")])
            #expect(try #require(try await context.chat.chat.findSession(id: session.id)).unreadCount == 0)
            let deleted = try await context.browser.post(path + "/messages/\(sent[3].id)/delete", [])
            #expect(deleted.status == .seeOther)
            let stored = try #require(try await context.chat.chat.findSession(id: session.id))
            #expect(stored.messagesCount == 3)
            #expect(try await context.browser.get(path + "/edit").text.contains("Message deleted."))
            #expect(try await CounterAudit(database: context.database).findDrift().isEmpty)
        }
    }
}
