import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyCore
import ParleyTestSupport
import Testing

/// Every administrator action lands in the audit log (issue 12), and the Audit log page lists,
/// filters and exports it.
@Suite("Admin audit log")
struct AdminAuditTests {
    static func entries(_ context: AdminTestContext, _ action: AuditAction? = nil) async throws -> [AuditEntry] {
        try await AuditTrail(database: context.database).page(.init(action: action), page: 1, perPage: 100).entries
    }

    @Test func signInAndFailedSignInAreRecordedWithoutThePassword() async throws {
        try await AdminTestContext.run(signedIn: false) { context in
            try await context.browser.get("/admin/login")
            let failed = try await context.browser.post(
                "/admin/login",
                [("email", "intruder@example.com"), ("password", "guess-password-123"), ("next", "")])
            #expect(failed.status == .unauthorized)
            try await context.browser.signIn(
                email: AdminTestContext.adminEmail, password: AdminTestContext.adminPassword)
            let entries = try await Self.entries(context)
            #expect(entries.map(\.action) == [.signIn, .signInFailed])
            let signIn = entries[0]
            #expect(signIn.actorID == context.admin.id && signIn.actorName == "Ada Admin")
            #expect(signIn.actorEmail == AdminTestContext.adminEmail && signIn.clientAddress == "127.0.0.1")
            let failure = entries[1]
            #expect(failure.actorID == nil && failure.actorEmail == "intruder@example.com")
            #expect(failure.summary == "wrong email or password" && failure.clientAddress == "127.0.0.1")
            for entry in entries {
                #expect(!entry.summary.contains("guess-password") && !entry.summary.contains("admin-password"))
            }
        }
    }

    @Test func deletingAChatSessionIsRecordedWithItsID() async throws {
        try await AdminTestContext.run { context in
            let (_, _, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            try await context.browser.get("/admin/chat-sessions")
            let response = try await context.browser.post("/admin/chat-sessions/\(session.id)/delete", [])
            #expect(response.status == .seeOther)
            let entry = try #require(try await Self.entries(context, .sessionsDeleted).first)
            #expect(entry.targetType == "chat_session" && entry.targetIDs == "\(session.id)")
            #expect(entry.actorID == context.admin.id)
        }
    }

    @Test func aRefusedDeleteIsNotRecorded() async throws {
        try await AdminTestContext.run { context in
            let (_, _, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            let response = try await context.browser.post(
                "/admin/chat-sessions/\(session.id)/delete", [], csrf: false)
            #expect(response.status == .forbidden)
            #expect(try await Self.entries(context, .sessionsDeleted).isEmpty)
        }
    }

    @Test func aSettingsChangeSaysWhatChanged() async throws {
        try await AdminTestContext.run { context in
            try await context.browser.get("/admin/settings")
            let response = try await context.browser.post(
                "/admin/settings",
                [("chat_enabled", "0"), ("email_reminders_enabled", "0"), ("email_reminders_enabled", "1")])
            #expect(response.status == .seeOther)
            let entry = try #require(try await Self.entries(context, .settingsChanged).first)
            #expect(entry.summary == "chat: on → off")
            #expect(entry.targetType == "settings")
        }
    }

    @Test func webhookChangesAreRecordedWithoutTheSecretOrQuery() async throws {
        try await AdminTestContext.run { context in
            try await context.browser.get("/admin/webhooks/create")
            let created = try await context.browser.post(
                "/admin/webhooks",
                [
                    ("url", "https://crm.example.com/hook?key=abc123"), ("events", "message.created"),
                    ("secret", "a-very-secret-signing-value"),
                ])
            #expect(created.status == .created)
            let endpoint = try #require(try await WebhookService(database: context.database).endpoints().first)
            try await context.browser.get("/admin/webhooks/\(endpoint.id)/edit")
            let edited = try await context.browser.post(
                "/admin/webhooks/\(endpoint.id)",
                [("url", endpoint.url), ("events", "message.created"), ("enabled", "0")])
            #expect(edited.status == .seeOther)
            try await context.browser.get("/admin/webhooks")
            let deleted = try await context.browser.post("/admin/webhooks/\(endpoint.id)/delete", [])
            #expect(deleted.status == .seeOther)
            let entries = try await Self.entries(context).filter { $0.targetType == "webhook_endpoint" }
            #expect(entries.map(\.action) == [.webhookDeleted, .webhookEdited, .webhookCreated])
            #expect(entries.allSatisfy { $0.targetIDs == "\(endpoint.id)" })
            #expect(entries[1].summary == "enabled: on → off")
            for entry in entries {
                #expect(!entry.summary.contains("a-very-secret") && !entry.summary.contains("abc123"))
            }
            #expect(entries[2].summary.hasPrefix("https://crm.example.com/hook?…"))
        }
    }

    @Test func exportsAreRecorded() async throws {
        try await AdminTestContext.run { context in
            let csv = try await context.browser.get("/admin/chat-sessions/export.csv?search=abc")
            #expect(csv.status == .ok)
            let entry = try #require(try await Self.entries(context, .export).first)
            #expect(entry.summary == "CSV of the chat session list (search=abc)")
            try await context.browser.get("/admin/chat-sessions")
            let (_, _, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            let selected = try await context.browser.post(
                "/admin/chat-sessions/bulk", [("ids", "\(session.id)"), ("action", "export_xlsx")])
            #expect(selected.status == .ok)
            let second = try #require(try await Self.entries(context, .export).first)
            #expect(second.targetIDs == "\(session.id)" && second.summary == "XLSX of 1 selected chat session")
        }
    }

    @Test func messageActionsAreRecorded() async throws {
        try await AdminTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            let message = try await context.chat.chat.sendMessage(
                sessionID: session.id, senderID: customer.id, body: "hello")
            try await context.browser.get("/admin/chat-sessions/\(session.id)/edit")
            try await context.browser.post(
                "/admin/chat-sessions/\(session.id)/messages/read", [("only", "\(message.id)")])
            try await context.browser.get("/admin/chat-sessions/\(session.id)/edit")
            try await context.browser.post("/admin/chat-sessions/\(session.id)/messages/\(message.id)/delete", [])
            let entries = try await Self.entries(context)
            #expect(entries.map(\.action).prefix(2) == [.messageDeleted, .messagesMarkedRead])
            #expect(entries[0].targetIDs == "\(message.id)" && entries[0].summary == "from chat session #\(session.id)")
            #expect(entries[1].summary == "1 message in chat session #\(session.id)")
        }
    }

    /// An administrator's message joins the batch of sends like any other, and its entry is written
    /// in that batch's transaction; a participant's own send is not an administrator's action.
    @Test func aMessageSentFromThePanelIsRecordedWithItsSendAndAParticipantsIsNot() async throws {
        try await AdminTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            _ = try await context.chat.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "hi")
            try await context.browser.get("/admin/chat-sessions/\(session.id)/edit")
            let response = try await context.browser.post(
                "/admin/chat-sessions/\(session.id)/messages", [("sender", "vendor"), ("body", "Here it is")])
            #expect(response.status == .seeOther)
            let sent = try await Self.entries(context, .messageSent)
            #expect(sent.count == 1)
            // The panel goes back to the new message: ".../edit#message-<id>".
            let messageID = try #require(response.location?.components(separatedBy: "#message-").last)
            #expect(sent.first?.targetIDs == messageID)
            #expect(sent.first?.summary == "as the vendor of chat session #\(session.id)")
            #expect(sent.first?.actorID == context.admin.id && sent.first?.clientAddress == "127.0.0.1")
        }
    }

    /// The entry is written in the action's own transaction: when it cannot be written, the action
    /// is not done either, so the log never misses a change that happened.
    @Test func anActionWhoseEntryCannotBeWrittenIsNotDone() async throws {
        try await AdminTestContext.run { context in
            let (_, _, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            try await context.browser.get("/admin/chat-sessions")
            try await context.database.write { db in
                try await db.raw("ALTER TABLE audit_log RENAME TO audit_log_away").run()
            }
            let response = try await context.browser.post("/admin/chat-sessions/\(session.id)/delete", [])
            try await context.database.write { db in
                try await db.raw("ALTER TABLE audit_log_away RENAME TO audit_log").run()
            }
            #expect(response.status.code >= 500)
            #expect(try await context.chat.chat.findSession(id: session.id) != nil)
            #expect(try await Self.entries(context, .sessionsDeleted).isEmpty)
        }
    }

    /// An administrator's token is a sign-in like the panel's; a customer's is not an administrator's action.
    @Test func anAdministratorsAPISignInIsRecordedAndACustomersIsNot() async throws {
        try await AdminTestContext.run(signedIn: false) { context in
            let customer = try await context.fixtures.user(.customer)
            for (email, password) in [
                (customer.email, Fixtures.password), (AdminTestContext.adminEmail, AdminTestContext.adminPassword),
            ] {
                let response = try await context.browser.client.executeRequest(
                    uri: "/api/v1/auth/token", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: #"{"email":"\#(email)","password":"\#(password)"}"#))
                #expect(response.status == .created, "\(email)")
            }
            let entries = try await Self.entries(context, .signIn)
            #expect(entries.count == 1)
            #expect(entries.first?.actorID == context.admin.id && entries.first?.summary == "API token")
            #expect(entries.first?.clientAddress == "127.0.0.1")
        }
    }

    @Test func thePageFiltersByActionAndAdministrator() async throws {
        try await AdminTestContext.run { context in
            let audit = AuditTrail(database: context.database)
            try await audit.record(
                AuditRecord(
                    actor: AuditActor(id: 77, name: "Other Admin", email: "other@example.com"),
                    action: .webhookDeleted, summary: "https://gone.example.com"))
            let all = try await context.browser.get("/admin/audit")
            #expect(all.status == .ok)
            #expect(all.text.contains("https://gone.example.com") && all.text.contains("Signed in"))
            #expect(all.text.contains("aria-current=\"page\"") && all.text.contains(">Audit log<"))
            let deletions = try await context.browser.get("/admin/audit?action=webhook_deleted")
            #expect(
                deletions.text.contains("https://gone.example.com") && !deletions.text.contains("<td>Signed in</td>"))
            let byAda = try await context.browser.get("/admin/audit?actor=\(context.admin.id)")
            #expect(!byAda.text.contains("https://gone.example.com") && byAda.text.contains("<td>Signed in</td>"))
            #expect(byAda.text.contains("<option value=\"77\">Other Admin (other@example.com)</option>"))
            let future = try await context.browser.get("/admin/audit?from=2099-01-01")
            #expect(future.text.contains("No entries found"))
            let bad = try await context.browser.get("/admin/audit?to=yesterday")
            #expect(bad.status == .unprocessableContent && bad.text.contains("Enter a date like"))
        }
    }

    @Test func theCSVExportIsFilteredNeutralisesFormulasAndIsItselfRecorded() async throws {
        try await AdminTestContext.run { context in
            let audit = AuditTrail(database: context.database)
            try await audit.record(
                AuditRecord(
                    actor: AuditActor(id: 77, name: "=HYPERLINK(\"http://evil\")", email: "x@example.com"),
                    action: .userEdited, summary: "@SUM(1)"))
            let csv = try await context.browser.get("/admin/audit/export.csv?action=user_edited")
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.count == 2 && lines[0].hasSuffix("Summary,Client address"))
            #expect(lines[1].contains("\"'=HYPERLINK(\"\"http://evil\"\")\"") && lines[1].contains(",'@SUM(1),"))
            let entry = try #require(try await Self.entries(context, .export).first)
            #expect(entry.targetType == "audit_log" && entry.summary == "CSV of the audit log (action=user_edited)")
        }
    }
}
