import Foundation
import ParleyCore
import ParleyTestSupport
import Testing

@Suite("Events published by the chat service")
struct ChatEventTests {
    @Test func everyChangePublishesItsEventAfterCommitting() async throws {
        try await ChatTestContext.run { context in
            let customer = try await context.fixtures.user(.customer)
            let vendor = try await context.fixtures.user(.vendor)
            let product = try await context.fixtures.product(vendor: vendor)
            let recorder = context.recordEvents()

            let session = try await context.chat.createSession(
                productID: product.id, customerID: customer.id, vendorID: vendor.id)
            let message = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "Hi")
            try await context.chat.markRead(sessionID: session.id, readerID: vendor.id)
            let updated = try await context.chat.updateSession(
                id: session.id, productID: product.id, customerID: customer.id, vendorID: vendor.id, lastMessageAt: nil)
            try await context.chat.deleteMessage(id: message.id, sessionID: session.id)
            try await context.chat.deleteSession(id: session.id)

            let events = await recorder.events(atLeast: 6)
            #expect(events.count == 6)
            guard events.count == 6 else { return }
            #expect(events[0] == .sessionCreated(session))
            guard case .messageCreated(let created, let afterSend) = events[1] else {
                Issue.record("expected message.created, got \(events[1])")
                return
            }
            #expect(created == message && afterSend.messagesCount == 1 && afterSend.vendorUnreadCount == 1)
            guard case .messagesRead(let afterRead, let reader, let count, nil) = events[2] else {
                Issue.record("expected messages.read, got \(events[2])")
                return
            }
            #expect(reader == vendor.id && count == 1 && afterRead.unreadCount == 0)
            guard case .sessionUpdated(let after, _) = events[3] else {
                Issue.record("expected session.updated, got \(events[3])")
                return
            }
            #expect(after == updated)
            guard case .messageDeleted(message.id, _) = events[4], case .sessionDeleted(let gone) = events[5] else {
                Issue.record("expected message deletion then session deletion, got \(events[4...])")
                return
            }
            #expect(gone.id == session.id)
            #expect(events.allSatisfy { $0.audience == [customer.id, vendor.id] })
        }
    }

    @Test func aRefusedChangePublishesNothing() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let recorder = context.recordEvents()
            _ = try? await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "   ")
            _ = try? await context.chat.deleteSession(id: 9_999)
            #expect(await recorder.events().isEmpty)
        }
    }

    @Test func reassigningASessionTellsTheOldAndNewParticipants() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, product, session) = try await context.fixtures.conversation(chat: context.chat)
            let newCustomer = try await context.fixtures.user(.customer)
            let recorder = context.recordEvents()
            _ = try await context.chat.updateSession(
                id: session.id, productID: product.id, customerID: newCustomer.id, vendorID: vendor.id,
                lastMessageAt: nil)
            let events = await recorder.events(atLeast: 1)
            #expect(events.first?.audience == [customer.id, newCustomer.id, vendor.id])
        }
    }

    @Test func anAdministratorsBulkReadPublishesOneEventPerChangedSession() async throws {
        try await ChatTestContext.run { context in
            let (c1, _, _, first) = try await context.fixtures.conversation(chat: context.chat)
            let (_, _, _, quiet) = try await context.fixtures.conversation(chat: context.chat)
            _ = try await context.chat.sendMessage(sessionID: first.id, senderID: c1.id, body: "x")
            let recorder = context.recordEvents()
            try await context.chat.markAllRead(sessionIDs: [first.id, quiet.id])
            let events = await recorder.events(atLeast: 1)
            #expect(events.count == 1)
            guard case .messagesRead(let session, nil, 1, nil) = events.first else {
                Issue.record("expected one administrator read, got \(events)")
                return
            }
            #expect(session.id == first.id)
        }
    }
}
