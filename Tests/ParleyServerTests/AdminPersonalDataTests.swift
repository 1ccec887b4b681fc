import Foundation
import HummingbirdTesting
import ParleyCore
import ParleyServer
import ParleyTestSupport
import Testing

/// The Users page's personal data actions (issue 12): export as JSON and erase, both audited.
@Suite("Admin personal data")
struct AdminPersonalDataTests {
    @Test func theEditPageOffersExportAndAnEraseFormWithItsToken() async throws {
        try await AdminTestContext.run { context in
            let customer = try await context.fixtures.user(.customer)
            let page = try await context.browser.get("/admin/users/\(customer.id)/edit")
            #expect(page.text.contains("href=\"/admin/users/\(customer.id)/personal-data.json\""))
            #expect(page.text.contains("action=\"/admin/users/\(customer.id)/erase\""))
            #expect(page.text.contains("data-confirm=\"Erase the personal data of this user?"))
            let own = try await context.browser.get("/admin/users/\(context.admin.id)/edit")
            #expect(!own.text.contains("/erase\"") && own.text.contains("You cannot erase the account"))
        }
    }

    @Test func exportingDownloadsJSONAndIsRecorded() async throws {
        try await AdminTestContext.run { context in
            let customer = try await context.fixtures.user(.customer, name: "Carla Customer")
            let response = try await context.browser.get("/admin/users/\(customer.id)/personal-data.json")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(response.headers[.contentDisposition]?.contains("parley-user-\(customer.id).json") == true)
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
            #expect((document["user"] as? [String: Any])?["name"] as? String == "Carla Customer")
            #expect(!response.text.contains("password_hash") && !response.text.contains(customer.passwordHash))
            let entry = try #require(
                try await AuditTrail(database: context.database).page(
                    .init(action: .userExported), page: 1, perPage: 5
                ).entries.first)
            #expect(entry.actorID == context.admin.id && entry.targetIDs == "\(customer.id)")
            #expect(entry.clientAddress == "127.0.0.1")
        }
    }

    @Test func erasingNeedsTheConfirmationThenShowsDeletedUserEverywhere() async throws {
        try await APITestContext.run { api in
            let chat = api.chat
            let (customer, vendor, _, session) = try await chat.fixtures.conversation(chat: chat.chat)
            _ = try await chat.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "my phone is 555")
            let admin = try await chat.fixtures.user(.admin)
            let browser = AdminTestClient(client: api.api.client)
            try await browser.signIn(email: admin.email, password: Fixtures.password)
            let customerAPI = try await api.api.signIn(customer.email)

            try await browser.get("/admin/users/\(customer.id)/edit")
            let unconfirmed = try await browser.post("/admin/users/\(customer.id)/erase", [])
            #expect(unconfirmed.status == .seeOther)
            #expect(
                try await api.dependencies.users.authenticate(email: customer.email, password: Fixtures.password) != nil
            )

            try await browser.get("/admin/users/\(customer.id)/edit")
            let erased = try await browser.post("/admin/users/\(customer.id)/erase", [("confirm", "1")])
            #expect(erased.status == .seeOther && erased.location == "/admin/users/\(customer.id)/edit")
            let page = try await browser.get("/admin/users/\(customer.id)/edit")
            #expect(page.text.contains("value=\"Deleted user\"") && page.text.contains("1 message redacted"))

            // Their token no longer works; the vendor sees "Deleted user" and a redacted message.
            #expect(try await customerAPI.send(.get, "/api/v1/unread-count").status == .unauthorized)
            let vendorAPI = try await api.api.signIn(vendor.email)
            let seen = try await vendorAPI.send(.get, "/api/v1/chat-sessions/\(session.id)")
            #expect((seen.json["customer"] as? [String: Any])?["name"] as? String == "Deleted user")
            let messages = try await vendorAPI.send(.get, "/api/v1/chat-sessions/\(session.id)/messages")
            let bodies = (messages.json["data"] as? [[String: Any]])?.compactMap { $0["body"] as? String }
            #expect(bodies == [PersonalDataService.redactedBody])
            let signIn = try await api.api.send(
                .post, "/api/v1/auth/token",
                json: #"{"email":"deleted-\#(customer.id)@erased.invalid","password":"\#(Fixtures.password)"}"#)
            #expect(signIn.status == .unauthorized)

            let entry = try #require(
                try await AuditTrail(database: chat.database).page(.init(action: .userErased), page: 1, perPage: 5)
                    .entries.first)
            #expect(entry.actorID == admin.id && entry.targetIDs == "\(customer.id)")
        }
    }

    @Test func erasingOnesOwnAccountIsRefused() async throws {
        try await AdminTestContext.run { context in
            _ = try await context.fixtures.user(.admin)
            try await context.browser.get("/admin/users/\(context.admin.id)/edit")
            let response = try await context.browser.post(
                "/admin/users/\(context.admin.id)/erase", [("confirm", "1")])
            #expect(response.status == .conflict && response.text.contains("your own account"))
            let admin = try await context.database.read { db in try await UserRepository(db).find(id: context.admin.id)
            }
            #expect(admin?.name == "Ada Admin")
        }
    }
}
