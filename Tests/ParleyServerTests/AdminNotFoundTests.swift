import Foundation
import HummingbirdTesting
import ParleyTestSupport
import Testing

@Suite("Addresses nothing serves")
struct AdminNotFoundTests {
    @Test func anUnknownAdminPathAnswersThePanelsNotFoundPage() async throws {
        try await AdminTestContext.run { context in
            for path in ["/admin/nothing-here", "/admin/chat-sessions/1/unknown/deeper", "/admin/users/x/y"] {
                let response = try await context.browser.get(path)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.text.contains("Not found") && response.text.contains("sidebar"), "\(path)")
            }
        }
    }

    @Test func anUnknownAdminPathAsksSomeoneSignedOutToSignIn() async throws {
        try await AdminTestContext.run(signedIn: false) { context in
            let response = try await context.browser.get("/admin/nothing-here")
            #expect(response.status == .seeOther)
            #expect(response.location?.hasPrefix("/admin/login?next=") == true)
        }
    }

    @Test func adminAssetsAreStillServed() async throws {
        try await AdminTestContext.run(signedIn: false) { context in
            let css = try await context.browser.get("/admin/assets/admin.css")
            #expect(css.status == .ok)
            let missing = try await context.browser.get("/admin/assets/missing.css")
            #expect(missing.status == .notFound)
        }
    }

    @Test func theHomePageLinksToTheAdminPanelTheWebChatAndTheAPIDocument() async throws {
        try await AdminTestContext.run(signedIn: false) { context in
            let home = try await context.browser.get("/")
            #expect(home.status == .ok)
            for link in ["/admin/login", "/chat", "/api/v1/openapi.json"] {
                #expect(home.text.contains("href=\"\(link)\""), "\(link)")
            }
        }
    }
}
