import Foundation
import HummingbirdTesting
import ParleyCore
import ParleyTestSupport
import Testing

/// The Webhooks pages (issue 11): the list, the create form and its one-time secret, and who may
/// see them.
@Suite("Admin webhook pages")
struct AdminWebhookPageTests {
    @Test func theListShowsEveryEndpointWithItsEvents() async throws {
        try await AdminTestContext.run { context in
            let webhooks = WebhookService(database: context.database)
            _ = try await webhooks.add(
                url: "https://crm.example.com/parley", events: "message.created,messages.read",
                description: "CRM <sync>")
            _ = try await webhooks.add(url: "https://push.example.com/hook", events: "unread.reminder_due")
            let page = try await context.browser.get("/admin/webhooks")
            #expect(page.status == .ok)
            #expect(page.text.contains("https://crm.example.com/parley"))
            #expect(page.text.contains("CRM &lt;sync&gt;"))
            #expect(
                page.text.contains("<code>message.created</code>") && page.text.contains("<code>messages.read</code>"))
            #expect(page.text.contains("https://push.example.com/hook"))
            #expect(page.text.contains("<code>unread.reminder_due</code>"))
            #expect(page.text.contains("href=\"/admin/webhooks/1/edit\""))
            #expect(page.text.contains("action=\"/admin/webhooks/2/delete\""))
            #expect(page.text.contains("sidebar__link sidebar__link--active\" href=\"/admin/webhooks\""))
        }
    }

    @Test func theListSaysWhyParleySwitchedAnEndpointOff() async throws {
        try await AdminTestContext.run { context in
            let endpoint = try await WebhookService(database: context.database).add(
                url: "https://down.example.com/hook", events: "message.created")
            try await context.database.write { db in
                let endpoints = WebhookEndpointRepository(db)
                let later = Date().addingTimeInterval(3_600)
                for _ in 0..<2 {
                    try await endpoints.recordFailure(
                        id: endpoint.id, at: Date(), disableBefore: later, reason: "Every delivery failed: HTTP 503")
                }
            }
            let page = try await context.browser.get("/admin/webhooks")
            #expect(page.text.contains("badge--danger\">Disabled</span>"))
            #expect(page.text.contains("Every delivery failed: HTTP 503"))
            let edit = try await context.browser.get("/admin/webhooks/\(endpoint.id)/edit")
            #expect(edit.text.contains("Parley switched this endpoint off: Every delivery failed: HTTP 503"))
        }
    }

    @Test func creatingAnEndpointShowsItsGeneratedSecretOnce() async throws {
        try await AdminTestContext.run { context in
            try await context.browser.get("/admin/webhooks/create")
            let created = try await context.browser.post(
                "/admin/webhooks",
                [
                    ("url", "https://crm.example.com/parley"), ("description", "CRM"), ("events", "message.created"),
                    ("events", "chat_session.created"), ("secret", ""),
                ])
            #expect(created.status == .created)
            let endpoint = try #require(try await WebhookService(database: context.database).endpoints().only)
            #expect(endpoint.eventTypes == [.messageCreated, .chatSessionCreated])
            #expect(endpoint.description == "CRM" && endpoint.secret.count >= 16)
            #expect(created.text.contains("value=\"\(endpoint.secret)\""))
            #expect(created.text.contains("it will not be shown again"))
            for path in ["/admin/webhooks", "/admin/webhooks/\(endpoint.id)/edit"] {
                let page = try await context.browser.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(!page.text.contains(endpoint.secret), "\(path)")
            }
        }
    }

    @Test func aSecretTypedIntoTheFormIsTheOneUsed() async throws {
        try await AdminTestContext.run { context in
            try await context.browser.get("/admin/webhooks/create")
            let secret = "my-own-secret-0123456789"
            let created = try await context.browser.post(
                "/admin/webhooks",
                [("url", "https://crm.example.com/parley"), ("events", "messages.read"), ("secret", secret)])
            #expect(created.status == .created)
            #expect(created.text.contains("value=\"\(secret)\""))
            #expect(try await WebhookService(database: context.database).endpoints().only?.secret == secret)
        }
    }

    @Test func anInvalidEndpointComesBackWithItsInputAndEachErrorBesideItsField() async throws {
        try await AdminTestContext.run { context in
            try await context.browser.get("/admin/webhooks/create")
            let response = try await context.browser.post(
                "/admin/webhooks",
                [
                    ("url", "ftp://files.example.com"), ("description", String(repeating: "d", count: 201)),
                    ("secret", "short-secret"),
                ])
            #expect(response.status == .unprocessableContent)
            let text = response.text
            #expect(text.contains("value=\"ftp://files.example.com\""))
            #expect(text.contains("value=\"" + String(repeating: "d", count: 201) + "\""))
            #expect(text.contains("Enter an http:// or https:// address with a host: the scheme is ftp."))
            #expect(text.contains("Choose at least one event to send."))
            #expect(text.contains("Keep the description under 200 characters."))
            #expect(text.contains("A secret needs 16 to 200 visible characters, without spaces."))
            #expect(text.contains("id=\"url\" name=\"url\"") && text.contains("form__input--invalid\" id=\"url\""))
            #expect(!text.contains("short-secret"))
            #expect(try await WebhookService(database: context.database).endpoints().isEmpty)
        }
    }

    @Test func theCheckedEventsAreKeptWhenTheFormComesBack() async throws {
        try await AdminTestContext.run { context in
            try await context.browser.get("/admin/webhooks/create")
            let response = try await context.browser.post(
                "/admin/webhooks", [("url", "not an address"), ("events", "messages.read")])
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("value=\"messages.read\" checked"))
            #expect(!response.text.contains("value=\"message.created\" checked"))
        }
    }

    @Test func aStaleCreateFormComesBackAndSavesNothing() async throws {
        try await AdminTestContext.run { context in
            try await context.browser.get("/admin/webhooks/create")
            let response = try await context.browser.post(
                "/admin/webhooks",
                [("_csrf", "expired"), ("url", "https://crm.example.com/parley"), ("events", "message.created")])
            #expect(response.status == .forbidden)
            #expect(response.text.contains("value=\"https://crm.example.com/parley\""))
            #expect(response.text.contains("nothing was saved"))
            #expect(try await WebhookService(database: context.database).endpoints().isEmpty)
        }
    }

    @Test func thePagesNeedASignedInAdministrator() async throws {
        try await AdminTestContext.run(signedIn: false) { context in
            for path in ["/admin/webhooks", "/admin/webhooks/create"] {
                let response = try await context.browser.get(path)
                #expect(response.status == .seeOther, "\(path)")
                #expect(response.location?.hasPrefix("/admin/login?next=") == true, "\(path)")
            }
            let post = try await context.browser.post(
                "/admin/webhooks", [("url", "https://crm.example.com/parley"), ("events", "message.created")])
            #expect(post.status == .seeOther && post.location?.hasPrefix("/admin/login") == true)
            #expect(try await WebhookService(database: context.database).endpoints().isEmpty)
        }
    }
}
