import Foundation
import ParleyCore
import ParleyTestSupport
import Testing

/// The service's rules on who opens, reads and writes in conversations (``ChatAccess``).
@Suite("Who may open, read and write in conversations")
struct ChatAccessTests {
    @Test func onlyCustomersOpenConversations() async throws {
        try await ChatTestContext.run { context in
            let vendor = try await context.fixtures.user(.vendor)
            let product = try await context.fixtures.product(vendor: vendor)
            for role in [UserRole.vendor, .admin] {
                let user = try await context.fixtures.user(role)
                await #expect(throws: ChatError.customersOnly, "\(role)") {
                    try await context.chat.openSession(productID: product.id, for: user)
                }
            }
            #expect(try await context.fixtures.tableCounts()["chat_sessions"] == 0)
        }
    }

    @Test func openingAConversationAboutAMissingProductNamesIt() async throws {
        try await ChatTestContext.run { context in
            let customer = try await context.fixtures.user(.customer)
            await #expect(throws: ChatError.productNotFound(id: 424_242)) {
                try await context.chat.openSession(productID: 424_242, for: customer)
            }
        }
    }

    @Test func anAdministratorReadsEverySessionButWritesInNone() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "Hello")
            let admin = try await context.fixtures.user(.admin)
            #expect(try await context.chat.session(id: session.id, readBy: admin).id == session.id)
            let denied = ChatError.notParticipant(userID: admin.id, sessionID: session.id)
            await #expect(throws: denied) {
                try await context.chat.send(sessionID: session.id, by: admin, body: "No", clientMessageID: nil)
            }
            await #expect(throws: denied) {
                try await context.chat.markRead(sessionID: session.id, by: admin)
            }
            let stored = try await context.chat.findSession(id: session.id)
            #expect(stored?.messagesCount == 1 && stored?.unreadCount == 1)
        }
    }

    @Test func someoneElsesSessionIsNotFoundForCustomersAndVendors() async throws {
        try await ChatTestContext.run { context in
            let (_, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            for role in [UserRole.customer, .vendor] {
                let stranger = try await context.fixtures.user(role)
                let missing = ChatError.sessionNotFound(id: session.id)
                await #expect(throws: missing, "\(role) reads") {
                    try await context.chat.session(id: session.id, readBy: stranger)
                }
                await #expect(throws: missing, "\(role) sends") {
                    try await context.chat.send(sessionID: session.id, by: stranger, body: "Hi", clientMessageID: nil)
                }
                await #expect(throws: missing, "\(role) reads receipts") {
                    try await context.chat.markRead(sessionID: session.id, by: stranger)
                }
            }
            #expect(try await context.fixtures.tableCounts()["chat_messages"] == 0)
        }
    }

    @Test func bothParticipantsWriteInTheirSession() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let question = try await context.chat.send(
                sessionID: session.id, by: customer, body: "Is it oak?", clientMessageID: nil)
            #expect(try await context.chat.markRead(sessionID: session.id, by: vendor) == 1)
            let answer = try await context.chat.send(
                sessionID: session.id, by: vendor, body: "Yes.", clientMessageID: nil)
            #expect(question.message.senderRole == .customer && answer.message.senderRole == .vendor)
        }
    }
}
