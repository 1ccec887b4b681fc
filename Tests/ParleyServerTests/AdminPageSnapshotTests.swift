import Foundation
import HummingbirdTesting
import ParleyCore
import ParleyTestSupport
import SnapshotTesting
import Testing

/// The admin pages' HTML, pinned so that any change to what an administrator sees is a reviewed
/// diff. Values that differ from run to run (CSRF tokens, times) are replaced by placeholders.
/// After an intended change, delete the file under __Snapshots__ and run the test twice (the first
/// run records it and fails).
@Suite("Admin page snapshots")
struct AdminPageSnapshotTests {
    typealias List = AdminChatSessionListTests

    @Test func theChatSessionList() async throws {
        try await AdminTestContext.run { context in
            _ = try await List.makeWorld(context)
            let page = try await context.browser.get("/admin/chat-sessions")
            assertSnapshot(of: Self.stable(page.text), as: .lines, named: "chat-sessions")
        }
    }

    @Test func theCreateForm() async throws {
        try await AdminTestContext.run { context in
            _ = try await List.makeWorld(context)
            let page = try await context.browser.get("/admin/chat-sessions/create")
            assertSnapshot(of: Self.stable(page.text), as: .lines, named: "create")
        }
    }

    @Test func theEditPageWithItsMessages() async throws {
        try await AdminTestContext.run { context in
            let world = try await List.makeWorld(context)
            let page = try await context.browser.get("/admin/chat-sessions/\(world.bobLamp.id)/edit")
            assertSnapshot(of: Self.stable(page.text), as: .lines, named: "edit")
        }
    }

    @Test func theWebhookList() async throws {
        try await AdminTestContext.run { context in
            let webhooks = WebhookService(database: context.database)
            _ = try await webhooks.add(
                url: "https://crm.example.com/parley", events: "message.created,messages.read", description: "CRM")
            let off = try await webhooks.add(url: "https://push.example.com/hook", events: "unread.reminder_due")
            _ = try await webhooks.update(
                id: off.id, url: off.url, events: "unread.reminder_due", description: "", enabled: false)
            let page = try await context.browser.get("/admin/webhooks")
            assertSnapshot(of: Self.stable(page.text), as: .lines, named: "webhooks")
        }
    }

    /// The page with tokens and times replaced, so that only the markup is compared.
    static func stable(_ html: String) -> String {
        var text = html
        let replacements: [(String, String)] = [
            (#"name="_csrf" value="[^"]*""#, #"name="_csrf" value="CSRF""#),
            (#"<meta name="csrf-token" content="[^"]*""#, #"<meta name="csrf-token" content="CSRF""#),
            (#"data-csrf="[^"]*""#, #"data-csrf="CSRF""#),
            (#"<time datetime="[^"]*" title="[^"]*">[^<]*</time>"#, "<time>TIME</time>"),
            (#"name="last_message_at" value="[^"]*""#, #"name="last_message_at" value="NOW""#),
            (#"value="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d""#, #"value="DATETIME""#),
            // The sidebar's unread badge is recounted in the background: its value depends on timing.
            (
                #"<span class="badge [^"]*sidebar__badge"[^>]*>\d+</span>"#,
                "<span class=\"sidebar__badge\">BADGE</span>"
            ),
        ]
        for (pattern, replacement) in replacements {
            text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return text
    }
}
