import Foundation
import HummingbirdTesting
import ParleyCore
import ParleyTestSupport
import Testing

/// What the Webhooks pages change (issue 11): editing, switching off, deleting an endpoint, and
/// sending one of its deliveries again.
@Suite("Admin webhook actions")
struct AdminWebhookActionTests {
    @Test func theEditFormSavesTheEndpoint() async throws {
        try await AdminTestContext.run { context in
            let webhooks = WebhookService(database: context.database)
            let endpoint = try await webhooks.add(url: "https://old.example.com/hook", events: "message.created")
            try await context.browser.get("/admin/webhooks/\(endpoint.id)/edit")
            let response = try await context.browser.post(
                "/admin/webhooks/\(endpoint.id)",
                [
                    ("url", "https://new.example.com/hook"), ("description", "Analytics"),
                    ("events", "chat_session.created"), ("events", "chat_session.deleted"), ("enabled", "0"),
                    ("enabled", "1"),
                ])
            #expect(response.status == .seeOther && response.location == "/admin/webhooks/\(endpoint.id)/edit")
            let saved = try await webhooks.endpoint(id: endpoint.id)
            #expect(saved.url == "https://new.example.com/hook" && saved.description == "Analytics")
            #expect(saved.eventTypes == [.chatSessionCreated, .chatSessionDeleted])
            #expect(saved.isEnabled && saved.secret == endpoint.secret)
            let page = try await context.browser.get("/admin/webhooks/\(endpoint.id)/edit")
            #expect(page.text.contains("Webhook endpoint #\(endpoint.id) saved."))
            #expect(page.text.contains("value=\"https://new.example.com/hook\""))
        }
    }

    @Test func anInvalidEditComesBackWithTheInputAndSavesNothing() async throws {
        try await AdminTestContext.run { context in
            let webhooks = WebhookService(database: context.database)
            let endpoint = try await webhooks.add(url: "https://old.example.com/hook", events: "message.created")
            try await context.browser.get("/admin/webhooks/\(endpoint.id)/edit")
            let response = try await context.browser.post(
                "/admin/webhooks/\(endpoint.id)",
                [("url", "https://user:pw@new.example.com/hook"), ("enabled", "0"), ("enabled", "1")])
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("value=\"https://user:pw@new.example.com/hook\""))
            #expect(response.text.contains("put credentials in the secret, not in the address"))
            #expect(response.text.contains("Choose at least one event to send."))
            #expect(try await webhooks.endpoint(id: endpoint.id) == endpoint)
        }
    }

    @Test func theSwitchTurnsAnEndpointOff() async throws {
        try await AdminTestContext.run { context in
            let webhooks = WebhookService(database: context.database)
            let endpoint = try await webhooks.add(url: "https://crm.example.com/hook", events: "message.created")
            try await context.browser.get("/admin/webhooks/\(endpoint.id)/edit")
            let response = try await context.browser.post(
                "/admin/webhooks/\(endpoint.id)",
                [("url", endpoint.url), ("events", "message.created"), ("enabled", "0")])
            #expect(response.status == .seeOther)
            #expect(try await webhooks.endpoint(id: endpoint.id).isEnabled == false)
            let list = try await context.browser.get("/admin/webhooks")
            #expect(list.text.contains("badge--danger\">Disabled</span>"))
            let edit = try await context.browser.get("/admin/webhooks/\(endpoint.id)/edit")
            #expect(edit.text.contains("id=\"enabled\" aria-describedby=\"enabled_hint\">"))
        }
    }

    @Test func deletingNeedsAPostWithTheCSRFToken() async throws {
        try await AdminTestContext.run { context in
            let webhooks = WebhookService(database: context.database)
            let endpoint = try await webhooks.add(url: "https://crm.example.com/hook", events: "message.created")
            let path = "/admin/webhooks/\(endpoint.id)/delete"
            let viaGet = try await context.browser.get(path)
            #expect(viaGet.status != .ok && viaGet.status != .seeOther)
            try await context.browser.get("/admin/webhooks")
            let withoutToken = try await context.browser.post(path, [], csrf: false)
            #expect(withoutToken.status == .forbidden)
            #expect(try await webhooks.endpoints().count == 1)
            try await context.browser.get("/admin/webhooks")
            let deleted = try await context.browser.post(path, [])
            #expect(deleted.status == .seeOther && deleted.location == "/admin/webhooks")
            #expect(try await webhooks.endpoints().isEmpty)
            let list = try await context.browser.get("/admin/webhooks")
            #expect(list.text.contains("Webhook endpoint https://crm.example.com/hook deleted."))
        }
    }

    @Test func theEditPageListsTheEndpointsRecentDeliveries() async throws {
        try await AdminTestContext.run { context in
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                let (endpoint, delivery) = try await Self.deliveredMessage(context, url: url)
                let page = try await context.browser.get("/admin/webhooks/\(endpoint.id)/edit")
                #expect(page.text.contains("<code>\(delivery.eventID)</code>"))
                #expect(page.text.contains("<code>message.created</code>"))
                #expect(page.text.contains("badge--success\">delivered</span>"))
                #expect(page.text.contains("HTTP 204"))
                #expect(
                    page.text.contains("action=\"/admin/webhooks/\(endpoint.id)/deliveries/\(delivery.id)/resend\""))
            }
        }
    }

    @Test func resendingQueuesTheDeliveryAgainWithTheSameEventID() async throws {
        try await AdminTestContext.run { context in
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                let (endpoint, delivery) = try await Self.deliveredMessage(context, url: url)
                let webhooks = WebhookService(database: context.database)
                try await context.browser.get("/admin/webhooks/\(endpoint.id)/edit")
                let response = try await context.browser.post(
                    "/admin/webhooks/\(endpoint.id)/deliveries/\(delivery.id)/resend", [])
                #expect(response.status == .seeOther)
                #expect(response.location == "/admin/webhooks/\(endpoint.id)/edit#deliveries")
                // The application's own sender may already have sent it again.
                let queued = try #require(try await webhooks.recentDeliveries(endpointID: endpoint.id).only)
                #expect(queued.state == .pending || receiver.requests.count == 2)
                #expect(queued.eventID == delivery.eventID)
                try await Self.waitFor("the second attempt") { receiver.requests.count == 2 }
                #expect(receiver.requests.map(\.eventID) == [delivery.eventID, delivery.eventID])
                let page = try await context.browser.get("/admin/webhooks/\(endpoint.id)/edit")
                #expect(page.text.contains("is queued to be sent again"))
            }
        }
    }

    @Test func anotherEndpointsDeliveryOrAnUnknownIDIsNotFound() async throws {
        try await AdminTestContext.run { context in
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                let (endpoint, delivery) = try await Self.deliveredMessage(context, url: url)
                let other = try await WebhookService(database: context.database).add(
                    url: "https://other.example.com/hook", events: "message.created")
                for path in [
                    "/admin/webhooks/\(other.id)/deliveries/\(delivery.id)/resend",
                    "/admin/webhooks/\(endpoint.id)/deliveries/999999/resend",
                    "/admin/webhooks/999999/deliveries/\(delivery.id)/resend", "/admin/webhooks/999999/delete",
                    "/admin/webhooks/999999", "/admin/webhooks/x/delete",
                ] {
                    try await context.browser.get("/admin/webhooks")
                    let response = try await context.browser.post(path, [("url", url), ("events", "message.created")])
                    #expect(response.status == .notFound, "\(path)")
                    #expect(response.text.contains("Not found") && response.text.contains("sidebar"), "\(path)")
                }
                for path in ["/admin/webhooks/999999/edit", "/admin/webhooks/x/edit"] {
                    #expect(try await context.browser.get(path).status == .notFound, "\(path)")
                }
                #expect(try await WebhookService(database: context.database).endpoints().count == 2)
            }
        }
    }

    /// An endpoint at `url` and one message delivered to it by the application's own dispatcher
    /// and sender, as it happens in production.
    static func deliveredMessage(
        _ context: AdminTestContext, url: String
    ) async throws -> (WebhookEndpoint, WebhookDelivery) {
        let webhooks = WebhookService(database: context.database)
        let endpoint = try await webhooks.add(url: url, events: "message.created")
        let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
        _ = try await context.chat.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "Oak?")
        try await waitFor("the first delivery") {
            try await webhooks.recentDeliveries(endpointID: endpoint.id).only?.state == .delivered
        }
        return (endpoint, try #require(try await webhooks.recentDeliveries(endpointID: endpoint.id).only))
    }

    /// Asks for up to 10 s; the sender looks for due deliveries every second.
    static func waitFor(_ what: String, _ condition: () async throws -> Bool) async throws {
        if try await !eventually(condition) { Issue.record("Timed out waiting for \(what)") }
    }
}
