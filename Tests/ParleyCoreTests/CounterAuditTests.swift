import Foundation
import ParleyCore
import ParleyTestSupport
import SQLKit
import Testing

@Suite("parley doctor's recount")
struct CounterAuditTests {
    @Test func findsNoDriftWhenEveryChangeWentThroughTheService() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "a")
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: vendor.id, body: "b")
            #expect(try await CounterAudit(database: context.database).findDrift().isEmpty)
        }
    }

    @Test func reportsAndRepairsCountersChangedBehindTheServicesBack() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let (_, _, _, emptied) = try await context.fixtures.conversation(chat: context.chat)
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "a")
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: vendor.id, body: "b")
            try await context.database.write { db in
                try await db.raw(
                    """
                    UPDATE chat_sessions SET messages_count = 7, vendor_unread_count = 0 WHERE id = \(bind: session.id)
                    """
                ).run()
                try await db.raw(
                    """
                    UPDATE chat_sessions SET messages_count = 3, unread_count = 2, customer_unread_count = 2
                    WHERE id = \(bind: emptied.id)
                    """
                ).run()
            }
            let audit = CounterAudit(database: context.database)

            let drift = try await audit.findDrift()

            #expect(drift.map(\.sessionID) == [session.id, emptied.id])
            #expect(drift.first?.stored.messages == 7 && drift.first?.actual.messages == 2)
            #expect(drift.first?.actual == .init(messages: 2, unread: 2, customerUnread: 1, vendorUnread: 1))
            #expect(drift.last?.actual == .init(messages: 0, unread: 0, customerUnread: 0, vendorUnread: 0))
            #expect(try await audit.repair() == 2)
            #expect(try await audit.findDrift().isEmpty)
            let repaired = try #require(try await context.chat.findSession(id: session.id))
            #expect(repaired.messagesCount == 2 && repaired.vendorUnreadCount == 1 && repaired.customerUnreadCount == 1)
        }
    }
}
