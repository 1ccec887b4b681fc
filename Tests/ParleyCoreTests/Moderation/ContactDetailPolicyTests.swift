import Foundation
import ParleyCore
import ParleyTestSupport
import Testing

/// What the System Settings choice does to a message with contact details, in the one send path.
@Suite("Contact details: allow, flag, hide")
struct ContactDetailPolicyTests {
    static let written = "Sure, WhatsApp me on +44 7700 900123 and we sort it out"

    static func send(
        _ policy: ContactDetailPolicy?, _ body: String = written, in context: ChatTestContext
    ) async throws -> (message: ChatMessage, stored: ChatMessage, cases: Int64) {
        if let policy { try await SettingsService(database: context.database).setContactDetailPolicy(policy) }
        let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
        let message = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: body)
        return try await context.database.read { db in
            let stored = try #require(try await ChatMessageRepository(db).find(id: message.id))
            return (message, stored, try await ModerationCaseRepository(db).openCount())
        }
    }

    @Test func byDefaultAMessageWithContactDetailsIsDeliveredAsWrittenUnflagged() async throws {
        try await ChatTestContext.run { context in
            let sent = try await Self.send(nil, in: context)
            #expect(sent.message.body == Self.written)
            #expect(sent.message.flags.isEmpty)
            #expect(sent.stored.originalBody == nil)
            #expect(sent.cases == 0)
        }
    }

    @Test func flagDeliversAsWrittenFlagsItAndQueuesACase() async throws {
        try await ChatTestContext.run { context in
            let sent = try await Self.send(.flag, in: context)
            #expect(sent.message.body == Self.written)
            #expect(sent.message.flags == [.contactDetails])
            #expect(sent.stored.flags == [.contactDetails])
            #expect(sent.stored.originalBody == nil)
            #expect(sent.cases == 1)
        }
    }

    @Test func hideReplacesEachDetailAndKeepsTheTextAsWrittenForAdministrators() async throws {
        try await ChatTestContext.run { context in
            let sent = try await Self.send(.hide, in: context)
            #expect(sent.message.body.contains(ContactDetailDetector.redaction))
            #expect(!sent.message.body.contains("7700"))
            #expect(sent.stored.body == sent.message.body)
            #expect(sent.stored.originalBody == Self.written)
            #expect(sent.stored.writtenBody == Self.written)
            #expect(sent.stored.flags == [.contactDetails])
            #expect(sent.cases == 1)
        }
    }

    @Test func theEventOfAHiddenMessageCarriesOnlyTheHiddenText() async throws {
        try await ChatTestContext.run { context in
            let recorder = context.recordEvents()
            let sent = try await Self.send(.hide, in: context)
            let events = await recorder.events(atLeast: 2)
            let created = events.compactMap { event -> ChatMessage? in
                if case .messageCreated(let message, _) = event { return message }
                return nil
            }
            #expect(created.map(\.body) == [sent.message.body])
        }
    }

    @Test func aMessageWithoutContactDetailsIsNeitherChangedNorFlaggedInHideMode() async throws {
        try await ChatTestContext.run { context in
            let body = "The 42 cm model costs $129.99, delivery in 3-5 days, code SAVE20"
            let sent = try await Self.send(.hide, body, in: context)
            #expect(sent.message.body == body)
            #expect(sent.message.flags.isEmpty)
            #expect(sent.cases == 0)
        }
    }

    @Test func theSettingDefaultsToAllowAndKeepsTheLastChoice() async throws {
        try await ChatTestContext.run { context in
            let settings = SettingsService(database: context.database)
            #expect(try await settings.contactDetailPolicy() == .allow)
            try await settings.setContactDetailPolicy(.hide)
            try await settings.setContactDetailPolicy(.flag)
            #expect(try await settings.contactDetailPolicy() == .flag)
        }
    }
}
