import Foundation
import NIOConcurrencyHelpers
import ParleyCore
import ParleyTestSupport
import Testing

@Suite("Sending, reading and deleting messages")
struct ChatMessageTests {
    @Test func sendingAMessageMovesEveryCounterAndTimeTogether() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let sentAt = Date(epochMilliseconds: 1_800_000_000_000)
            let chat = ChatService(database: context.database, events: context.events, clock: { sentAt })

            let message = try await chat.sendMessage(
                sessionID: session.id, senderID: customer.id, body: "Is it in stock?")

            #expect(message.senderID == customer.id && message.senderRole == .customer)
            #expect(message.body == "Is it in stock?" && message.readAt == nil && message.createdAt == sentAt)
            let stored = try #require(try await context.chat.findSession(id: session.id))
            #expect(stored.messagesCount == 1)
            #expect(stored.unreadCount == 1)
            #expect(stored.vendorUnreadCount == 1 && stored.customerUnreadCount == 0)
            #expect(stored.lastMessageAt == sentAt && stored.updatedAt == sentAt)
            #expect(stored.unreadCount(for: vendor.id) == 1 && stored.unreadCount(for: customer.id) == 0)
        }
    }

    @Test func theBodyIsTrimmed() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let message = try await context.chat.sendMessage(
                sessionID: session.id, senderID: customer.id, body: "  \n Hello there \t\n")
            #expect(message.body == "Hello there")
        }
    }

    @Test(arguments: ["", "   ", "\n\t  \n"])
    func anEmptyOrBlankBodyIsRefusedAndNothingIsWritten(body: String) async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let before = try await context.fixtures.allSessions()
            await #expect(throws: ChatError.emptyBody) {
                try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: body)
            }
            #expect(try await context.fixtures.allSessions() == before)
            #expect(try await context.fixtures.tableCounts()["chat_messages"] == 0)
        }
    }

    @Test func aBodyOfFiveThousandCharactersIsAcceptedAndOneMoreIsNot() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let longest = String(repeating: "é", count: 5_000)
            let message = try await context.chat.sendMessage(
                sessionID: session.id, senderID: customer.id, body: longest)
            #expect(message.body.count == 5_000)

            let before = try await context.fixtures.allSessions()
            await #expect(throws: ChatError.bodyTooLong(length: 5_001, limit: 5_000)) {
                try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: longest + "x")
            }
            #expect(try await context.fixtures.allSessions() == before)
            #expect(try await context.fixtures.tableCounts()["chat_messages"] == 1)
        }
    }

    @Test func onlyTheCustomerOrTheVendorMaySend() async throws {
        try await ChatTestContext.run { context in
            let (_, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let stranger = try await context.fixtures.user(.customer)
            let admin = try await context.fixtures.user(.admin)
            let before = try await context.fixtures.allSessions()
            for outsider in [stranger, admin] {
                await #expect(throws: ChatError.notParticipant(userID: outsider.id, sessionID: session.id)) {
                    try await context.chat.sendMessage(sessionID: session.id, senderID: outsider.id, body: "Hi")
                }
            }
            #expect(try await context.fixtures.allSessions() == before)
            #expect(try await context.fixtures.tableCounts()["chat_messages"] == 0)
        }
    }

    @Test func sendingToAnUnknownSessionIsNotFound() async throws {
        try await ChatTestContext.run { context in
            let customer = try await context.fixtures.user(.customer)
            await #expect(throws: ChatError.sessionNotFound(id: 4_040)) {
                try await context.chat.sendMessage(sessionID: 4_040, senderID: customer.id, body: "Hi")
            }
        }
    }

    @Test func readingMarksOnlyWhatWasSentToTheReader() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            for text in ["Q1", "Q2"] {
                _ = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: text)
            }
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: vendor.id, body: "A1")

            let changed = try await context.chat.markRead(sessionID: session.id, readerID: vendor.id)

            #expect(changed == 2)
            let messages = try await context.fixtures.messages(in: session.id)
            #expect(messages.map(\.isRead) == [true, true, false])
            let stored = try #require(try await context.chat.findSession(id: session.id))
            #expect(stored.unreadCount == 1 && stored.vendorUnreadCount == 0 && stored.customerUnreadCount == 1)
            #expect(try await context.chat.markRead(sessionID: session.id, readerID: vendor.id) == 0)
        }
    }

    @Test func readingUpToAMessageLeavesLaterOnesUnread() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            var sent: [ChatMessage] = []
            for text in ["1", "2", "3"] {
                sent.append(try await context.chat.sendMessage(sessionID: session.id, senderID: vendor.id, body: text))
            }
            let changed = try await context.chat.markRead(
                sessionID: session.id, readerID: customer.id, upToMessageID: sent[1].id)
            #expect(changed == 2)
            let stored = try #require(try await context.chat.findSession(id: session.id))
            #expect(stored.customerUnreadCount == 1 && stored.unreadCount == 1)
        }
    }

    @Test func anOutsiderCannotMarkMessagesRead() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "Hi")
            let stranger = try await context.fixtures.user(.vendor)
            await #expect(throws: ChatError.notParticipant(userID: stranger.id, sessionID: session.id)) {
                try await context.chat.markRead(sessionID: session.id, readerID: stranger.id)
            }
            #expect(try #require(try await context.chat.findSession(id: session.id)).unreadCount == 1)
        }
    }

    @Test func anAdministratorMarksEverythingInTheChosenSessionsRead() async throws {
        try await ChatTestContext.run { context in
            let (c1, v1, _, first) = try await context.fixtures.conversation(chat: context.chat)
            let (c2, _, _, second) = try await context.fixtures.conversation(chat: context.chat)
            let (c3, _, _, untouched) = try await context.fixtures.conversation(chat: context.chat)
            _ = try await context.chat.sendMessage(sessionID: first.id, senderID: c1.id, body: "a")
            _ = try await context.chat.sendMessage(sessionID: first.id, senderID: v1.id, body: "b")
            _ = try await context.chat.sendMessage(sessionID: second.id, senderID: c2.id, body: "c")
            _ = try await context.chat.sendMessage(sessionID: untouched.id, senderID: c3.id, body: "d")

            let changed = try await context.chat.markAllRead(sessionIDs: [first.id, second.id, 123_456])

            #expect(changed == 3)
            for id in [first.id, second.id] {
                let session = try #require(try await context.chat.findSession(id: id))
                #expect(session.unreadCount == 0 && session.customerUnreadCount == 0 && session.vendorUnreadCount == 0)
            }
            #expect(try #require(try await context.chat.findSession(id: untouched.id)).unreadCount == 1)
        }
    }

    @Test func deletingAnUnreadMessageTakesItOffTheCounters() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let times = NIOLockedValueBox(Date(epochMilliseconds: 1_700_000_000_000))
            let chat = ChatService(
                database: context.database, events: context.events,
                clock: {
                    times.withLockedValue { now in
                        now = now.addingTimeInterval(60)
                        return now
                    }
                })
            let first = try await chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "first")
            let last = try await chat.sendMessage(sessionID: session.id, senderID: vendor.id, body: "last")

            try await chat.deleteMessage(id: last.id, sessionID: session.id)

            let stored = try #require(try await chat.findSession(id: session.id))
            #expect(stored.messagesCount == 1 && stored.unreadCount == 1 && stored.customerUnreadCount == 0)
            #expect(stored.lastMessageAt == first.createdAt)
            #expect(try await CounterAudit(database: context.database).findDrift().isEmpty)
        }
    }

    @Test func deletingTheOnlyMessageKeepsTheLastMessageTime() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let message = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "x")
            try await context.chat.deleteMessage(id: message.id, sessionID: session.id)
            let stored = try #require(try await context.chat.findSession(id: session.id))
            #expect(stored.messagesCount == 0 && stored.unreadCount == 0)
            #expect(stored.lastMessageAt == message.createdAt)
        }
    }

    @Test func aMessageIsOnlyDeletedFromItsOwnSession() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let (_, _, _, other) = try await context.fixtures.conversation(chat: context.chat)
            let message = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "x")
            let before = try await context.fixtures.allSessions()
            await #expect(throws: ChatError.messageNotFound(id: message.id)) {
                try await context.chat.deleteMessage(id: message.id, sessionID: other.id)
            }
            await #expect(throws: ChatError.sessionNotFound(id: 8_888)) {
                try await context.chat.deleteMessage(id: message.id, sessionID: 8_888)
            }
            #expect(try await context.fixtures.allSessions() == before)
            #expect(try await context.fixtures.messages(in: session.id).count == 1)
        }
    }

    @Test func aUsersUnreadTotalCountsWhatWasSentToThemEverywhere() async throws {
        try await ChatTestContext.run { context in
            let customer = try await context.fixtures.user(.customer)
            let vendorA = try await context.fixtures.user(.vendor)
            let vendorB = try await context.fixtures.user(.vendor)
            let productA = try await context.fixtures.product(vendor: vendorA)
            let productB = try await context.fixtures.product(vendor: vendorB)
            let a = try await context.chat.createSession(
                productID: productA.id, customerID: customer.id, vendorID: vendorA.id)
            let b = try await context.chat.createSession(
                productID: productB.id, customerID: customer.id, vendorID: vendorB.id)
            _ = try await context.chat.sendMessage(sessionID: a.id, senderID: vendorA.id, body: "1")
            _ = try await context.chat.sendMessage(sessionID: a.id, senderID: vendorA.id, body: "2")
            _ = try await context.chat.sendMessage(sessionID: b.id, senderID: vendorB.id, body: "3")
            _ = try await context.chat.sendMessage(sessionID: b.id, senderID: customer.id, body: "4")

            let totals = try await context.database.read { db in
                let sessions = ChatSessionRepository(db, engine: context.database.engine)
                return (
                    try await sessions.unreadTotal(for: customer.id), try await sessions.unreadTotal(for: vendorB.id),
                    try await sessions.unreadTotal()
                )
            }
            #expect(totals.0 == 3)
            #expect(totals.1 == 1)
            #expect(totals.2 == 4)
        }
    }
}
