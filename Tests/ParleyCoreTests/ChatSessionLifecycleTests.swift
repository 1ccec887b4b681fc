import Foundation
import ParleyCore
import ParleyTestSupport
import Testing

@Suite("Creating, updating and deleting chat sessions")
struct ChatSessionLifecycleTests {
    @Test func creatingASessionStoresItWithZeroCounters() async throws {
        try await ChatTestContext.run { context in
            let customer = try await context.fixtures.user(.customer)
            let vendor = try await context.fixtures.user(.vendor)
            let product = try await context.fixtures.product(vendor: vendor)
            let lastMessageAt = Date(epochMilliseconds: 1_700_000_000_000)

            let session = try await context.chat.createSession(
                productID: product.id, customerID: customer.id, vendorID: vendor.id, lastMessageAt: lastMessageAt)

            #expect(session.productID == product.id)
            #expect(session.customerID == customer.id)
            #expect(session.vendorID == vendor.id)
            #expect(session.lastMessageAt == lastMessageAt)
            #expect(session.messagesCount == 0 && session.unreadCount == 0)
            #expect(try await context.chat.findSession(id: session.id) == session)
        }
    }

    @Test func aSecondSessionForTheSameTripleIsAConflictNamingTheFirst() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, product, first) = try await context.fixtures.conversation(chat: context.chat)
            let before = try await context.fixtures.tableCounts()

            await #expect(throws: ChatError.sessionExists(existingID: first.id)) {
                try await context.chat.createSession(
                    productID: product.id, customerID: customer.id, vendorID: vendor.id)
            }
            #expect(try await context.fixtures.tableCounts() == before)
        }
    }

    @Test func theSameCustomerAndVendorMayTalkAboutAnotherProduct() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, first) = try await context.fixtures.conversation(chat: context.chat)
            let other = try await context.fixtures.product(vendor: vendor)
            let second = try await context.chat.createSession(
                productID: other.id, customerID: customer.id, vendorID: vendor.id)
            #expect(second.id != first.id)
        }
    }

    @Test func anUnknownProductIsRefusedAndNothingIsWritten() async throws {
        try await ChatTestContext.run { context in
            let customer = try await context.fixtures.user(.customer)
            let vendor = try await context.fixtures.user(.vendor)
            let before = try await context.fixtures.tableCounts()
            await #expect(throws: ChatError.productNotFound(id: 999_999)) {
                try await context.chat.createSession(productID: 999_999, customerID: customer.id, vendorID: vendor.id)
            }
            #expect(try await context.fixtures.tableCounts() == before)
        }
    }

    @Test func anUnknownCustomerIsRefused() async throws {
        try await ChatTestContext.run { context in
            let vendor = try await context.fixtures.user(.vendor)
            let product = try await context.fixtures.product(vendor: vendor)
            let before = try await context.fixtures.tableCounts()
            await #expect(throws: ChatError.userNotFound(id: 424_242, field: "customer_id")) {
                try await context.chat.createSession(productID: product.id, customerID: 424_242, vendorID: vendor.id)
            }
            #expect(try await context.fixtures.tableCounts() == before)
        }
    }

    @Test func anUnknownVendorIsRefused() async throws {
        try await ChatTestContext.run { context in
            let customer = try await context.fixtures.user(.customer)
            let vendor = try await context.fixtures.user(.vendor)
            let product = try await context.fixtures.product(vendor: vendor)
            await #expect(throws: ChatError.userNotFound(id: 424_242, field: "vendor_id")) {
                try await context.chat.createSession(productID: product.id, customerID: customer.id, vendorID: 424_242)
            }
            #expect(try await context.fixtures.tableCounts()["chat_sessions"] == 0)
        }
    }

    @Test func theCustomerAndVendorMustDiffer() async throws {
        try await ChatTestContext.run { context in
            let vendor = try await context.fixtures.user(.vendor)
            let product = try await context.fixtures.product(vendor: vendor)
            await #expect(throws: ChatError.sameCustomerAndVendor) {
                try await context.chat.createSession(productID: product.id, customerID: vendor.id, vendorID: vendor.id)
            }
            #expect(try await context.fixtures.tableCounts()["chat_sessions"] == 0)
        }
    }

    @Test func updatingChangesTheFieldsAndKeepsTheCounters() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "Hello")
            let otherProduct = try await context.fixtures.product(vendor: vendor)
            let newCustomer = try await context.fixtures.user(.customer)
            let when = Date(epochMilliseconds: 1_600_000_000_000)

            let updated = try await context.chat.updateSession(
                id: session.id, productID: otherProduct.id, customerID: newCustomer.id, vendorID: vendor.id,
                lastMessageAt: when)

            #expect(updated.productID == otherProduct.id)
            #expect(updated.customerID == newCustomer.id)
            #expect(updated.lastMessageAt == when)
            #expect(updated.messagesCount == 1 && updated.vendorUnreadCount == 1)
            #expect(try await CounterAudit(database: context.database).findDrift().isEmpty)
        }
    }

    @Test func updatingIntoAnExistingTripleIsAConflictAndChangesNothing() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, product, first) = try await context.fixtures.conversation(chat: context.chat)
            let other = try await context.fixtures.product(vendor: vendor)
            let second = try await context.chat.createSession(
                productID: other.id, customerID: customer.id, vendorID: vendor.id)
            let before = try await context.fixtures.allSessions()

            await #expect(throws: ChatError.sessionExists(existingID: first.id)) {
                try await context.chat.updateSession(
                    id: second.id, productID: product.id, customerID: customer.id, vendorID: vendor.id,
                    lastMessageAt: nil)
            }
            #expect(try await context.fixtures.allSessions() == before)
        }
    }

    @Test func updatingWithBadInputIsRefusedAndChangesNothing() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, product, session) = try await context.fixtures.conversation(chat: context.chat)
            let before = try await context.fixtures.allSessions()
            await #expect(throws: ChatError.sessionNotFound(id: 98_765)) {
                try await context.chat.updateSession(
                    id: 98_765, productID: product.id, customerID: customer.id, vendorID: vendor.id, lastMessageAt: nil)
            }
            await #expect(throws: ChatError.sameCustomerAndVendor) {
                try await context.chat.updateSession(
                    id: session.id, productID: product.id, customerID: customer.id, vendorID: customer.id,
                    lastMessageAt: nil)
            }
            await #expect(throws: ChatError.productNotFound(id: 55_555)) {
                try await context.chat.updateSession(
                    id: session.id, productID: 55_555, customerID: customer.id, vendorID: vendor.id, lastMessageAt: nil)
            }
            #expect(try await context.fixtures.allSessions() == before)
        }
    }

    @Test func deletingASessionDeletesItsMessages() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "One")
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: vendor.id, body: "Two")
            let (_, _, _, kept) = try await context.fixtures.conversation(chat: context.chat)
            _ = try await context.chat.sendMessage(sessionID: kept.id, senderID: kept.customerID, body: "Stays")

            try await context.chat.deleteSession(id: session.id)

            #expect(try await context.chat.findSession(id: session.id) == nil)
            #expect(try await context.fixtures.messages(in: session.id).isEmpty)
            #expect(try await context.fixtures.tableCounts()["chat_messages"] == 1)
        }
    }

    @Test func deletingSeveralSessionsSkipsUnknownIdsAndReportsTheDeleted() async throws {
        try await ChatTestContext.run { context in
            let (_, _, _, first) = try await context.fixtures.conversation(chat: context.chat)
            let (_, _, _, second) = try await context.fixtures.conversation(chat: context.chat)
            let deleted = try await context.chat.deleteSessions(ids: [first.id, second.id, 777_777, first.id])
            #expect(deleted.map(\.id) == [first.id, second.id])
            #expect(try await context.fixtures.tableCounts()["chat_sessions"] == 0)
        }
    }

    @Test func deletingAnUnknownSessionIsNotFound() async throws {
        _ = try await ChatTestContext.run { context in
            await #expect(throws: ChatError.sessionNotFound(id: 31_337)) {
                try await context.chat.deleteSession(id: 31_337)
            }
        }
    }

    @Test func openingAConversationAboutAProductReusesTheExistingOne() async throws {
        try await ChatTestContext.run { context in
            let customer = try await context.fixtures.user(.customer)
            let vendor = try await context.fixtures.user(.vendor)
            let product = try await context.fixtures.product(vendor: vendor)

            let first = try await context.chat.openSession(productID: product.id, for: customer)
            let again = try await context.chat.openSession(productID: product.id, for: customer)

            #expect(first.created && !again.created)
            #expect(first.session.id == again.session.id)
            #expect(first.session.vendorID == vendor.id)
        }
    }
}
