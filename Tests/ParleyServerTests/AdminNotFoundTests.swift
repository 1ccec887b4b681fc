import Foundation
import Hummingbird
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

/// A known address asked with a method it does not take answers 405 with `Allow` (issue 8, item 11).
@Suite("Methods a path does not take")
struct MethodNotAllowedTests {
    @Test func anAPIPathAskedWithTheWrongMethodAnswers405WithAllowAndTheEnvelope() async throws {
        try await APITestContext.run { context in
            let response = try await context.api.send(.put, "/api/v1/auth/token", json: "{}")
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "DELETE, POST")
            #expect(response.errorCode == "method_not_allowed")
        }
    }

    @Test func aPathWithAnIDAnswers405ForAMethodItDoesNotTake() async throws {
        try await APITestContext.run { context in
            let response = try await context.api.send(.patch, "/api/v1/chat-sessions/12345/messages")
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow]?.contains("GET") == true)
            #expect(response.headers[.allow]?.contains("POST") == true)
        }
    }

    @Test func aMissingRecordAtAKnownPathWithAServedMethodStays404() async throws {
        try await APITestContext.run { context in
            let customer = try await context.chat.fixtures.user(.customer)
            let api = try await context.api.signIn(customer.email)
            let response = try await api.send(.get, "/api/v1/chat-sessions/987654")
            #expect(response.status == .notFound && response.errorCode == "not_found")
        }
    }

    @Test func anUnknownAPIPathStays404() async throws {
        try await APITestContext.run { context in
            let response = try await context.api.send(.delete, "/api/v1/nothing-here")
            #expect(response.status == .notFound && response.errorCode == "not_found")
        }
    }

    @Test func anAdminPageAskedWithTheWrongMethodAnswers405WithAllow() async throws {
        try await AdminTestContext.run(signedIn: false) { context in
            let wrong = try await context.browser.client.executeRequest(
                uri: "/admin/login", method: .delete, headers: [:], body: nil)
            #expect(wrong.status == .methodNotAllowed)
            #expect(wrong.headers[.allow] == "GET, POST")
        }
    }
}
