import Foundation
import ParleyCore
import ParleyTestSupport
import SQLKit
import Testing

/// Blocks, reports, bans and moderators' decisions (``ModerationService``).
@Suite("Moderation: block, report, ban, decide")
struct ModerationServiceTests {
    static func service(_ context: ChatTestContext) -> ModerationService {
        ModerationService(database: context.database, events: context.events)
    }

    static func user(_ id: Int64, _ context: ChatTestContext) async throws -> User {
        try await context.database.read { db in try #require(try await UserRepository(db).find(id: id)) }
    }

    @Test func afterABlockNeitherParticipantCanSendAndUnblockingLetsThemAgain() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            try await Self.service(context).block(sessionID: session.id, by: customer)
            await #expect(throws: ModerationError.blocked(byMe: false)) {
                try await context.chat.sendMessage(sessionID: session.id, senderID: vendor.id, body: "hello?")
            }
            await #expect(throws: ModerationError.blocked(byMe: true)) {
                try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "bye")
            }
            try await Self.service(context).unblock(sessionID: session.id, by: customer)
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: vendor.id, body: "hello again")
        }
    }

    @Test func aBlockHoldsInTheirOtherConversationsToo() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let other = try await context.fixtures.product(vendor: vendor)
            let second = try await context.chat.createSession(
                productID: other.id, customerID: customer.id, vendorID: vendor.id)
            try await Self.service(context).block(sessionID: session.id, by: vendor)
            await #expect(throws: ModerationError.blocked(byMe: false)) {
                try await context.chat.sendMessage(sessionID: second.id, senderID: customer.id, body: "here then")
            }
        }
    }

    @Test func aBlockedSendInABatchFailsAloneAndWritesNothing() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, blocked) = try await context.fixtures.conversation(chat: context.chat)
            let (other, _, _, open) = try await context.fixtures.conversation(chat: context.chat)
            try await Self.service(context).block(sessionID: blocked.id, by: customer)
            async let refused: ModerationError? = {
                do {
                    _ = try await context.chat.sendMessage(sessionID: blocked.id, senderID: vendor.id, body: "x")
                    return nil
                } catch let error as ModerationError { return error }
            }()
            async let accepted = context.chat.sendMessage(sessionID: open.id, senderID: other.id, body: "fine")
            #expect(try await accepted.body == "fine")
            #expect(try await refused == .blocked(byMe: false))
            #expect(try await context.chat.findSession(id: blocked.id)?.messagesCount == 0)
        }
    }

    @Test func onlyParticipantsBlockAndAnAdministratorIsRefused() async throws {
        try await ChatTestContext.run { context in
            let (_, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let stranger = try await context.fixtures.user(.customer)
            let admin = try await context.fixtures.user(.admin)
            await #expect(throws: ChatError.sessionNotFound(id: session.id)) {
                try await Self.service(context).block(sessionID: session.id, by: stranger)
            }
            await #expect(throws: ChatError.notParticipant(userID: admin.id, sessionID: session.id)) {
                try await Self.service(context).block(sessionID: session.id, by: admin)
            }
        }
    }

    @Test func aReportOpensACaseAboutTheOtherParticipant() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let message = try await context.chat.sendMessage(sessionID: session.id, senderID: vendor.id, body: "pay me")
            let opened = try await Self.service(context).report(
                sessionID: session.id, by: customer, reason: "scam", messageID: message.id, note: "  asks for cash ")
            #expect(opened.isReport)
            #expect(opened.reason == .scam)
            #expect(opened.state == .open)
            #expect(opened.reporterID == customer.id)
            #expect(opened.reportedUserID == vendor.id)
            #expect(opened.messageID == message.id)
            #expect(opened.note == "asks for cash")
            #expect(try await Self.service(context).openCaseCount() == 1)
        }
    }

    @Test func aReportIsRefusedForAnUnknownReasonATooLongNoteOrAnotherSessionsMessage() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let (other, _, _, elsewhere) = try await context.fixtures.conversation(chat: context.chat)
            let foreign = try await context.chat.sendMessage(sessionID: elsewhere.id, senderID: other.id, body: "hi")
            let moderation = Self.service(context)
            await #expect(throws: ModerationError.invalidReason) {
                try await moderation.report(
                    sessionID: session.id, by: customer, reason: "rude", messageID: nil, note: nil)
            }
            await #expect(throws: ModerationError.invalidReason) {
                try await moderation.report(
                    sessionID: session.id, by: customer, reason: "contact_details", messageID: nil, note: nil)
            }
            await #expect(throws: ModerationError.noteTooLong(limit: ModerationService.maximumNoteLength)) {
                try await moderation.report(
                    sessionID: session.id, by: customer, reason: "spam", messageID: nil,
                    note: String(repeating: "a", count: ModerationService.maximumNoteLength + 1))
            }
            await #expect(throws: ModerationError.noteControlCharacters) {
                try await moderation.report(
                    sessionID: session.id, by: customer, reason: "spam", messageID: nil, note: "bell \u{07}")
            }
            await #expect(throws: ModerationError.unknownMessage(id: foreign.id)) {
                try await moderation.report(
                    sessionID: session.id, by: customer, reason: "spam", messageID: foreign.id, note: nil)
            }
            #expect(try await moderation.openCaseCount() == 0)
        }
    }

    @Test func onePersonsUndecidedReportsAreCapped() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let moderation = Self.service(context)
            for _ in 0..<ModerationService.maximumOpenReports {
                _ = try await moderation.report(
                    sessionID: session.id, by: customer, reason: "spam", messageID: nil, note: nil)
            }
            await #expect(throws: ModerationError.tooManyOpenReports(limit: ModerationService.maximumOpenReports)) {
                try await moderation.report(
                    sessionID: session.id, by: customer, reason: "spam", messageID: nil, note: nil)
            }
        }
    }

    @Test func aBanDeletesTheTokensMarksTheUserAndAnnouncesIt() async throws {
        try await ChatTestContext.run { context in
            let vendor = try await context.fixtures.user(.vendor)
            let tokens = APITokenService(database: context.database, events: context.events)
            let token = try await tokens.issue(for: vendor)
            let recorder = context.recordEvents()
            let banned = try await Self.service(context).ban(userID: vendor.id)
            #expect(banned.isBanned)
            #expect(try await tokens.user(for: token) == nil)
            let events = await recorder.events(atLeast: 1)
            #expect(events.contains(.userBanned(userID: vendor.id)))
            let unbanned = try await Self.service(context).unban(userID: vendor.id)
            #expect(!unbanned.isBanned)
        }
    }

    @Test func administratorsCannotBeBanned() async throws {
        try await ChatTestContext.run { context in
            let admin = try await context.fixtures.user(.admin)
            await #expect(throws: ModerationError.administratorsCannotBeBanned) {
                try await Self.service(context).ban(userID: admin.id)
            }
            #expect(try await Self.user(admin.id, context).isBanned == false)
        }
    }

    @Test func dismissingClosesTheCaseAndChangesNothingElse() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let message = try await context.chat.sendMessage(sessionID: session.id, senderID: vendor.id, body: "hm")
            let moderator = try await context.fixtures.user(.admin)
            let opened = try await Self.service(context).report(
                sessionID: session.id, by: customer, reason: "other", messageID: message.id, note: nil)
            let decided = try await Self.service(context).decide(caseID: opened.id, .dismiss, by: moderator)
            #expect(decided.state == .dismissed)
            #expect(decided.resolvedBy == moderator.id)
            #expect(try await context.chat.findSession(id: session.id)?.messagesCount == 1)
            await #expect(throws: ModerationError.caseClosed(id: opened.id)) {
                try await Self.service(context).decide(caseID: opened.id, .ban, by: moderator)
            }
        }
    }

    @Test func deletingTheMessageClosesEveryCaseAboutIt() async throws {
        try await ChatTestContext.run { context in
            try await SettingsService(database: context.database).setContactDetailPolicy(.flag)
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let message = try await context.chat.sendMessage(
                sessionID: session.id, senderID: vendor.id, body: "email me at sam@example.com")
            let moderator = try await context.fixtures.user(.admin)
            let report = try await Self.service(context).report(
                sessionID: session.id, by: customer, reason: "off_platform", messageID: message.id, note: nil)
            #expect(try await Self.service(context).openCaseCount() == 2)
            _ = try await Self.service(context).decide(caseID: report.id, .deleteMessage, by: moderator)
            #expect(try await Self.service(context).openCaseCount() == 0)
            let after = try #require(try await context.chat.findSession(id: session.id))
            #expect(after.messagesCount == 0)
            #expect(after.customerUnreadCount == 0)
        }
    }

    @Test func aWarningReachesTheWarnedParticipantAsAnUnreadSystemMessage() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let moderator = try await context.fixtures.user(.admin)
            let report = try await Self.service(context).report(
                sessionID: session.id, by: customer, reason: "harassment", messageID: nil, note: nil)
            _ = try await Self.service(context).decide(
                caseID: report.id, .warn("Keep it polite, please."), by: moderator)
            let messages = try await context.database.read { db in
                try await ChatMessageRepository(db).list(sessionID: session.id)
            }
            let warning = try #require(messages.first)
            #expect(warning.flags == [.system])
            #expect(warning.body == "Keep it polite, please.")
            // Addressed to the vendor: it travels from the customer's side and counts as theirs to read.
            #expect(warning.senderRole == .customer)
            let after = try #require(try await context.chat.findSession(id: session.id))
            #expect(after.vendorUnreadCount == 1)
            #expect(vendor.id == report.reportedUserID)
        }
    }

    @Test func anEmptyWarningIsRefused() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let moderator = try await context.fixtures.user(.admin)
            let report = try await Self.service(context).report(
                sessionID: session.id, by: customer, reason: "spam", messageID: nil, note: nil)
            await #expect(throws: ModerationError.emptyWarning) {
                try await Self.service(context).decide(caseID: report.id, .warn("  "), by: moderator)
            }
            #expect(try await Self.service(context).openCaseCount() == 1)
        }
    }

    @Test func banningFromACaseClosesEveryOpenCaseAboutThatPerson() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let moderator = try await context.fixtures.user(.admin)
            let first = try await Self.service(context).report(
                sessionID: session.id, by: customer, reason: "scam", messageID: nil, note: nil)
            _ = try await Self.service(context).report(
                sessionID: session.id, by: customer, reason: "spam", messageID: nil, note: nil)
            _ = try await Self.service(context).decide(caseID: first.id, .ban, by: moderator)
            #expect(try await Self.service(context).openCaseCount() == 0)
            #expect(try await Self.user(vendor.id, context).isBanned)
        }
    }
}
