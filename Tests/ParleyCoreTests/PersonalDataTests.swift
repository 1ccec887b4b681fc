import Foundation
import ParleyCore
import ParleyTestSupport
import SQLKit
import Testing

@Suite("Personal data")
struct PersonalDataTests {
    static func json(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func theExportHoldsEverythingAboutTheUserAndNoSecrets() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            _ = try await context.chat.sendMessage(
                sessionID: session.id, senderID: customer.id, body: "my address is…")
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: vendor.id, body: "vendor text")
            let token = try await APITokenService(database: context.database).issue(for: customer)
            _ = try await DeviceService(database: context.database).register(
                platform: "ios", token: "push-token-secret", for: customer)
            let service = PersonalDataService(database: context.database, events: context.events)
            let data = try await service.export(userID: customer.id, by: .commandLine)
            let document = try Self.json(data)
            for key in [
                "user", "products", "chat_sessions", "messages_sent", "devices", "muted_chat_sessions",
                "unread_reminders", "api_tokens", "admin_sessions", "failed_sign_ins", "audit_log_entries_as_actor",
            ] {
                #expect(document[key] != nil, "missing \(key)")
            }
            let user = try #require(document["user"] as? [String: Any])
            #expect(user["email"] as? String == customer.email && user["email_reminders"] as? Bool == true)
            let messages = try #require(document["messages_sent"] as? [[String: Any]])
            #expect(messages.map { $0["body"] as? String } == ["my address is…"])
            let sessions = try #require(document["chat_sessions"] as? [[String: Any]])
            #expect(sessions.first?["side"] as? String == "customer" && sessions.first?["messages_count"] as? Int == 2)
            #expect((document["api_tokens"] as? [Any])?.count == 1)
            #expect((document["devices"] as? [[String: Any]])?.first?["platform"] as? String == "ios")
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.contains(customer.passwordHash) && !text.contains("password"))
            #expect(!text.contains(SecretToken.hash(token)) && !text.contains(token))
            #expect(!text.contains("push-token-secret") && !text.contains("vendor text"))
            let audited = try await AuditTrail(database: context.database).page(
                .init(action: .userExported), page: 1, perPage: 5)
            #expect(audited.entries.first?.targetIDs == "\(customer.id)")
        }
    }

    @Test func erasingKeepsCountersConversationsAndTheOtherSidesMessages() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "call me at 555")
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: vendor.id, body: "sure")
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "thanks")
            let before = try #require(try await context.chat.findSession(id: session.id))
            _ = try await APITokenService(database: context.database).issue(for: customer)
            _ = try await DeviceService(database: context.database).register(
                platform: "android", token: "push-1", for: customer)
            _ = try await WebSessionService(database: context.database).start(for: customer)
            let recorder = context.recordEvents()

            let service = PersonalDataService(database: context.database, events: context.events)
            let erasure = try await service.erase(userID: customer.id, by: .commandLine, clientAddress: "")
            #expect(erasure.messagesRedacted == 2)

            let after = try #require(try await context.chat.findSession(id: session.id))
            #expect(after.messagesCount == before.messagesCount && after.unreadCount == before.unreadCount)
            #expect(after.customerID == customer.id)
            let bodies = try await context.fixtures.messages(in: session.id).map(\.body)
            #expect(bodies == [PersonalDataService.redactedBody, "sure", PersonalDataService.redactedBody])
            let erased = try #require(
                try await context.database.read { db in try await UserRepository(db).find(id: customer.id) })
            #expect(erased.name == "Deleted user" && erased.email == "deleted-\(customer.id)@erased.invalid")
            #expect(!erased.passwordHash.hasPrefix("$2"))
            let users = UserService(database: context.database, bcryptCost: 4)
            #expect(try await users.authenticate(email: erased.email, password: Fixtures.password) == nil)
            #expect(try await users.authenticate(email: customer.email, password: Fixtures.password) == nil)
            let counts = try await context.database.read { db in
                var counts: [String: Int64] = [:]
                for table in ["api_tokens", "web_sessions", "devices"] {
                    counts[table] = try await db.raw(
                        "SELECT COUNT(*) AS n FROM \(ident: table) WHERE user_id = \(bind: customer.id)"
                    ).first()?.decode(column: "n", as: Int64.self)
                }
                return counts
            }
            #expect(counts == ["api_tokens": 0, "web_sessions": 0, "devices": 0])
            let events = await recorder.events(atLeast: 1)
            #expect(events.contains(.accessChanged(userID: customer.id)))
            let audited = try await AuditTrail(database: context.database).page(
                .init(action: .userErased), page: 1, perPage: 5)
            #expect(audited.entries.count == 1 && !audited.entries[0].summary.contains(customer.name))
            await #expect(throws: PersonalDataError.alreadyErased(id: customer.id)) {
                try await service.erase(userID: customer.id, by: .commandLine)
            }
        }
    }

    @Test func erasingRemovesTheirHiddenOriginalsReportNotesAndBlocksAndExportListsThem() async throws {
        try await ChatTestContext.run { context in
            try await SettingsService(database: context.database).setContactDetailPolicy(.hide)
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            _ = try await context.chat.sendMessage(
                sessionID: session.id, senderID: customer.id, body: "mail me: jo@example.com")
            let moderation = ModerationService(database: context.database, events: context.events)
            _ = try await moderation.report(
                sessionID: session.id, by: customer, reason: "other", messageID: nil, note: "my own words")
            try await moderation.block(sessionID: session.id, by: customer)
            let service = PersonalDataService(database: context.database, events: context.events)
            let document = try Self.json(try await service.export(userID: customer.id, by: .commandLine))
            #expect(
                (document["messages_sent"] as? [[String: Any]])?.first?["original_body"] as? String
                    == "mail me: jo@example.com")
            #expect((document["reports_made"] as? [[String: Any]])?.first?["note"] as? String == "my own words")
            #expect((document["blocked_users"] as? [[String: Any]])?.first?["blocked_id"] as? Int == Int(vendor.id))

            _ = try await service.erase(userID: customer.id, by: .commandLine, clientAddress: "")
            let left = try await context.database.read { db in
                (
                    try await ChatMessageRepository(db).list(sessionID: session.id).map(\.writtenBody),
                    try await db.raw("SELECT note FROM moderation_cases").first()?.decode(
                        column: "note", as: String?.self),
                    try await db.raw("SELECT COUNT(*) AS n FROM user_blocks").first()?.decode(
                        column: "n", as: Int64.self)
                )
            }
            #expect(left.0 == [PersonalDataService.redactedBody])
            #expect(left.1 == nil)
            #expect(left.2 == 0)
        }
    }

    @Test func anErasedAccountCanNeitherBeEditedNorGivenAPassword() async throws {
        try await ChatTestContext.run { context in
            let customer = try await context.fixtures.user(.customer)
            let service = PersonalDataService(database: context.database, events: context.events)
            _ = try await service.erase(userID: customer.id, by: .commandLine, clientAddress: "")
            let users = UserService(database: context.database, events: context.events, bcryptCost: 4)
            await #expect(throws: UserError.erased(id: customer.id)) {
                try await users.updateUser(
                    id: customer.id, name: "Back Again", email: "back@example.com", role: .customer,
                    password: "a-new-password")
            }
            await #expect(throws: UserError.erased(id: customer.id)) {
                try await users.resetPassword(email: "deleted-\(customer.id)@erased.invalid", password: "new-password1")
            }
            let still = try await context.database.read { db in try await UserRepository(db).find(id: customer.id) }
            #expect(still?.name == PersonalDataService.erasedName)
        }
    }

    @Test func theLastAdministratorAndOnesOwnAccountAreNotErased() async throws {
        try await ChatTestContext.run { context in
            let service = PersonalDataService(database: context.database, events: context.events)
            let admin = try await context.fixtures.user(.admin)
            await #expect(throws: PersonalDataError.lastAdministrator) {
                try await service.erase(userID: admin.id, by: .commandLine)
            }
            let other = try await context.fixtures.user(.admin)
            await #expect(throws: PersonalDataError.cannotEraseYourself) {
                try await service.erase(userID: other.id, by: AuditActor(other))
            }
            await #expect(throws: PersonalDataError.userNotFound(id: 999_999)) {
                try await service.erase(userID: 999_999, by: .commandLine)
            }
            try await service.erase(userID: other.id, by: AuditActor(admin))
            await #expect(throws: PersonalDataError.lastAdministrator) {
                try await service.erase(userID: admin.id, by: .commandLine)
            }
        }
    }
}
