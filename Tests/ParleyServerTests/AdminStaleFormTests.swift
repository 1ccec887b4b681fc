import Foundation
import HummingbirdTesting
import ParleyCore
import ParleyTestSupport
import Testing

/// A form posted with an expired or missing CSRF token saves nothing and comes back as typed,
/// with a message, instead of an error page that loses the input.
@Suite("Admin forms with a stale CSRF token")
struct AdminStaleFormTests {
    @Test func theCreateFormComesBackWithItsInput() async throws {
        try await AdminTestContext.run { context in
            let world = try await AdminChatSessionListTests.makeWorld(context)
            try await context.browser.get("/admin/chat-sessions/create")
            let response = try await context.browser.post(
                "/admin/chat-sessions",
                [
                    ("_csrf", "expired"), ("product_id", "\(world.kettle.id)"), ("customer_id", "\(world.bob.id)"),
                    ("vendor_id", "\(world.otherVendor.id)"), ("last_message_at", "2026-11-20T10:00:00"),
                ])
            #expect(response.status == .forbidden)
            #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(response.text.contains(AdminSessionMiddlewareText.stale))
            #expect(response.text.contains("value=\"Copper Kettle\""))
            #expect(response.text.contains("value=\"Bob Brown\""))
            #expect(response.text.contains("value=\"2026-11-20T10:00:00\""))
            let count = try await context.database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM chat_sessions").first()?.decode(column: "n", as: Int.self)
            }
            #expect(count == 3)
        }
    }

    @Test func aMessageBodyIsKeptWhenItsTokenIsMissing() async throws {
        try await AdminTestContext.run { context in
            let world = try await AdminChatSessionListTests.makeWorld(context)
            let session = world.bobLamp
            try await context.browser.get("/admin/chat-sessions/\(session.id)/edit")
            let response = try await context.browser.post(
                "/admin/chat-sessions/\(session.id)/messages", [("sender", "customer"), ("body", "Keep <this> text")],
                csrf: false)
            #expect(response.status == .forbidden)
            #expect(response.text.contains(AdminSessionMiddlewareText.stale))
            #expect(response.text.contains("Keep &lt;this&gt; text</textarea>"))
            let stored = try await context.chat.chat.findSession(id: session.id)
            #expect(stored?.messagesCount == 3)
        }
    }

    @Test func userAndProductFormsComeBackWithTheirInput() async throws {
        try await AdminTestContext.run { context in
            let world = try await AdminChatSessionListTests.makeWorld(context)
            try await context.browser.get("/admin/users/create")
            let user = try await context.browser.post(
                "/admin/users",
                [("_csrf", "x"), ("name", "Nadia New"), ("email", "nadia@example.com"), ("password", "long-enough")])
            #expect(user.status == .forbidden)
            #expect(user.text.contains(AdminSessionMiddlewareText.stale))
            #expect(user.text.contains("value=\"Nadia New\"") && user.text.contains("value=\"nadia@example.com\""))
            let product = try await context.browser.post(
                "/admin/products", [("_csrf", "x"), ("name", "Oak Shelf"), ("vendor_id", "\(world.vendor.id)")])
            #expect(product.status == .forbidden)
            #expect(product.text.contains("value=\"Oak Shelf\"") && product.text.contains("value=\"Lumen Lights\""))
        }
    }

    @Test func otherPostsWithoutATokenGetTheStyledForbiddenPage() async throws {
        try await AdminTestContext.run { context in
            let world = try await AdminChatSessionListTests.makeWorld(context)
            try await context.browser.get("/admin/chat-sessions")
            let response = try await context.browser.post(
                "/admin/chat-sessions/\(world.bobLamp.id)/delete", [("_csrf", "wrong")])
            #expect(response.status == .forbidden)
            #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(response.text.contains("This form has expired") && response.text.contains("sidebar"))
            #expect(try await context.chat.chat.findSession(id: world.bobLamp.id) != nil)
        }
    }
}

/// The stale-form message as it appears in HTML (its apostrophes are not escaped).
enum AdminSessionMiddlewareText {
    static let stale = "This form had expired (or did not come from this page), so nothing was saved."
}
