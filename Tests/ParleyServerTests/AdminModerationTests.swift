import Foundation
import HummingbirdTesting
@testable import ParleyCore
@testable import ParleyServer
import ParleyTestSupport
import Testing

/// The moderation queue, its decisions, banning from the Users page, the contact-detail setting
/// and how administrators read a message whose details were hidden.
@Suite("Admin: moderation")
struct AdminModerationTests {
    static func moderation(_ context: AdminTestContext) -> ModerationService {
        ModerationService(database: context.database, events: context.chat.events)
    }

    static func openCount(_ context: AdminTestContext) async throws -> Int64 {
        try await moderation(context).openCaseCount()
    }

    @Test func theSettingsPageSavesTheContactDetailChoice() async throws {
        try await AdminTestContext.run { context in
            let page = try await context.browser.get("/admin/settings")
            #expect(page.text.contains(#"name="contact_details" value="allow" checked"#))
            let saved = try await context.browser.post(
                "/admin/settings",
                [("chat_enabled", "0"), ("chat_enabled", "1"), ("contact_details", "hide")])
            #expect(saved.status == .seeOther)
            #expect(try await SettingsService(database: context.database).contactDetailPolicy() == .hide)
            let again = try await context.browser.get("/admin/settings")
            #expect(again.text.contains(#"name="contact_details" value="hide" checked"#))
        }
    }

    @Test func administratorsReadAHiddenMessageAsWrittenWithTheDetailMarked() async throws {
        try await AdminTestContext.run { context in
            try await SettingsService(database: context.database).setContactDetailPolicy(.hide)
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            _ = try await context.chat.chat.sendMessage(
                sessionID: session.id, senderID: customer.id, body: "mail <me> at sam@example.com")
            let page = try await context.browser.get("/admin/chat-sessions/\(session.id)/edit")
            #expect(
                page.text.contains(#"mail &lt;me&gt; at <mark class="detected" title="email">sam@example.com</mark>"#))
            #expect(page.text.contains("contact details hidden from participants"))
            let preview = try await context.browser.get("/admin/chat-sessions/\(session.id)/conversation?fragment=1")
            #expect(preview.text.contains(#"<mark class="detected""#))
        }
    }

    @Test func theQueueListsReportsAndFlaggedMessagesNewestFirstWithTheirFilters() async throws {
        try await AdminTestContext.run { context in
            try await SettingsService(database: context.database).setContactDetailPolicy(.flag)
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            let flagged = try await context.chat.chat.sendMessage(
                sessionID: session.id, senderID: vendor.id, body: "call 415 555 0132")
            let report = try await Self.moderation(context).report(
                sessionID: session.id, by: customer, reason: "harassment", messageID: nil, note: "rude <b>")
            let page = try await context.browser.get("/admin/moderation")
            #expect(page.status == .ok)
            let reportRow = try #require(page.text.range(of: #"data-case-id="\#(report.id)""#))
            let flaggedRow = try #require(page.text.range(of: #"data-case-id="\#(report.id - 1)""#))
            #expect(reportRow.lowerBound < flaggedRow.lowerBound)
            #expect(page.text.contains("rude &lt;b&gt;"))
            #expect(page.text.contains("#message-\(flagged.id)"))
            let filtered = try await context.browser.get("/admin/moderation?reason=harassment")
            #expect(filtered.text.contains(#"data-case-id="\#(report.id)""#))
            #expect(!filtered.text.contains(#"data-case-id="\#(report.id - 1)""#))
            let dismissed = try await context.browser.get("/admin/moderation?state=dismissed")
            #expect(!dismissed.text.contains("data-case-id="))
        }
    }

    @Test func aFlaggedMessageLinksToItsOwnPageOfTheConversation() async throws {
        try await AdminTestContext.run { context in
            try await SettingsService(database: context.database).setContactDetailPolicy(.flag)
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            for index in 0..<ChatMessagesModel.pageSize {
                _ = try await context.chat.chat.sendMessage(
                    sessionID: session.id, senderID: customer.id, body: "question \(index)")
            }
            let flagged = try await context.chat.chat.sendMessage(
                sessionID: session.id, senderID: vendor.id, body: "call 415 555 0132")
            let page = try await context.browser.get("/admin/moderation")
            #expect(page.text.contains("/admin/chat-sessions/\(session.id)/edit?messages_page=2#message-\(flagged.id)"))
        }
    }

    @Test func theSidebarCountsRecountOnlyOnEventsThatCanMoveThem() async throws {
        try await AdminTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            func message(_ flags: [MessageFlag]) -> ChatEvent {
                .messageCreated(
                    ChatMessage(
                        id: 1, sessionID: session.id, senderID: customer.id, senderRole: .customer, body: "hi",
                        readAt: nil, createdAt: Date(), clientMessageID: nil, flags: flags),
                    session: session)
            }
            let read = ChatEvent.messagesRead(session: session, readerID: customer.id, count: 1, upToMessageID: 1)
            #expect(SidebarCount.movesOpenModerationCases(message([.contactDetails])))
            #expect(!SidebarCount.movesOpenModerationCases(message([])))
            #expect(SidebarCount.movesOpenModerationCases(.moderationQueueChanged))
            #expect(SidebarCount.movesOpenModerationCases(.sessionDeleted(session)))
            #expect(!SidebarCount.movesOpenModerationCases(read))
            #expect(SidebarCount.movesUnreadMessages(message([])))
            #expect(SidebarCount.movesUnreadMessages(read))
            #expect(!SidebarCount.movesUnreadMessages(.moderationQueueChanged))
            #expect(!SidebarCount.movesUnreadMessages(.accessChanged(userID: customer.id)))
        }
    }

    @Test func theSidebarShowsHowManyCasesAreOpen() async throws {
        try await AdminTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            for reason in ["spam", "scam"] {
                _ = try await Self.moderation(context).report(
                    sessionID: session.id, by: customer, reason: reason, messageID: nil, note: nil)
            }
            var text = ""
            for _ in 0..<50 {
                text = try await context.browser.get("/admin/users").text
                if text.contains(
                    #"data-live-count="moderation" title="Reports and flagged messages waiting for a moderator">2<"#)
                {
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(
                text.contains(
                    #"data-live-count="moderation" title="Reports and flagged messages waiting for a moderator">2<"#))
        }
    }

    @Test func eachDecisionFromTheQueueIsCarriedOut() async throws {
        try await AdminTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            let message = try await context.chat.chat.sendMessage(
                sessionID: session.id, senderID: vendor.id, body: "send the money by wire")
            let moderation = Self.moderation(context)
            func report(_ reason: String) async throws -> ModerationCase {
                try await moderation.report(
                    sessionID: session.id, by: customer, reason: reason, messageID: message.id, note: nil)
            }
            let warned = try await report("scam")
            _ = try await context.browser.get("/admin/moderation")
            let warning = try await context.browser.post(
                "/admin/moderation/\(warned.id)", [("decision", "warn"), ("warning", "No payments outside.")])
            #expect(warning.status == .seeOther)
            let dismissed = try await report("spam")
            _ = try await context.browser.post("/admin/moderation/\(dismissed.id)", [("decision", "dismiss")])
            let deleted = try await report("other")
            _ = try await context.browser.post("/admin/moderation/\(deleted.id)", [("decision", "delete_message")])
            let after = try #require(try await context.chat.chat.findSession(id: session.id))
            // The message is gone; the warning to the vendor is the one left.
            #expect(after.messagesCount == 1)
            let banned = try await moderation.report(
                sessionID: session.id, by: customer, reason: "harassment", messageID: nil, note: nil)
            _ = try await context.browser.post("/admin/moderation/\(banned.id)", [("decision", "ban")])
            let vendorNow = try await context.database.read { db in try await UserRepository(db).find(id: vendor.id) }
            #expect(vendorNow?.isBanned == true)
            #expect(try await Self.openCount(context) == 0)
            let states = try await context.database.read { db in
                try await [warned, dismissed, deleted, banned].asyncMap {
                    try #require(try await ModerationCaseRepository(db).find(id: $0.id)).state
                }
            }
            #expect(states == [.actioned, .dismissed, .actioned, .actioned])
        }
    }

    @Test func aCaseAnotherModeratorDecidedSaysSoInsteadOfFailing() async throws {
        try await AdminTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            let opened = try await Self.moderation(context).report(
                sessionID: session.id, by: customer, reason: "spam", messageID: nil, note: nil)
            _ = try await Self.moderation(context).decide(caseID: opened.id, .dismiss, by: context.admin)
            _ = try await context.browser.get("/admin/moderation")
            let late = try await context.browser.post("/admin/moderation/\(opened.id)", [("decision", "ban")])
            #expect(late.status == .seeOther)
            let page = try await context.browser.get(late.location ?? "/admin/moderation")
            #expect(page.text.contains("already handled by another moderator"))
        }
    }

    @Test func theUsersPageBansAndUnbansACustomerButNotAnAdministrator() async throws {
        try await AdminTestContext.run { context in
            let customer = try await context.fixtures.user(.customer)
            let page = try await context.browser.get("/admin/users")
            #expect(page.text.contains("/admin/users/\(customer.id)/ban"))
            #expect(!page.text.contains("/admin/users/\(context.admin.id)/ban"))
            _ = try await context.browser.post("/admin/users/\(customer.id)/ban", [])
            let banned = try await context.browser.get("/admin/users")
            #expect(banned.text.contains("data-banned"))
            #expect(banned.text.contains("/admin/users/\(customer.id)/unban"))
            _ = try await context.browser.post("/admin/users/\(context.admin.id)/ban", [])
            let adminNow = try await context.database.read { db in
                try await UserRepository(db).find(id: context.admin.id)
            }
            #expect(adminNow?.isBanned == false)
            _ = try await context.browser.post("/admin/users/\(customer.id)/unban", [])
            #expect(!(try await context.browser.get("/admin/users")).text.contains("data-banned"))
        }
    }

    @Test func sendingAsAParticipantWhoIsBlockedShowsWhyBesideTheMessage() async throws {
        try await AdminTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            try await Self.moderation(context).block(sessionID: session.id, by: customer)
            _ = try await context.browser.get("/admin/chat-sessions/\(session.id)/edit")
            let refused = try await context.browser.post(
                "/admin/chat-sessions/\(session.id)/messages", [("body", "Hello from the shop"), ("sender", "vendor")])
            #expect(refused.status == .forbidden)
            #expect(refused.text.contains("blocked the other"))
            #expect(refused.text.contains("Hello from the shop"))
        }
    }

    @Test func decidingWithoutTheFormsTokenIsRefused() async throws {
        try await AdminTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            let opened = try await Self.moderation(context).report(
                sessionID: session.id, by: customer, reason: "spam", messageID: nil, note: nil)
            let forged = try await context.browser.post(
                "/admin/moderation/\(opened.id)", [("decision", "dismiss")], csrf: false)
            #expect(forged.status != .seeOther)
            #expect(try await Self.openCount(context) == 1)
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
