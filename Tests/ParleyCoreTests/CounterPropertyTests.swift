import Foundation
import ParleyCore
import ParleyTestSupport
import SQLKit
import Testing

/// Random sequences of every chat operation, by random actors, must never let a stored counter
/// differ from a recount of the messages.
@Suite("Counters stay true under random operations")
struct CounterPropertyTests {
    static let operationCount = Int(ProcessInfo.processInfo.environment["PARLEY_PROPERTY_OPERATIONS"] ?? "") ?? 1_200

    @Test func countersEqualTheirRecountAfterEveryOperation() async throws {
        let seed =
            UInt64(ProcessInfo.processInfo.environment["PARLEY_PROPERTY_SEED"] ?? "")
            ?? UInt64.random(in: 1...UInt64(UInt32.max))
        try await ChatTestContext.run { context in
            var random = SplitMix64(seed: seed)
            var users: [User] = []
            for index in 0..<8 { users.append(try await context.fixtures.user(index < 3 ? .vendor : .customer)) }
            var products: [Product] = []
            for index in 0..<5 { products.append(try await context.fixtures.product(vendor: users[index % 3])) }
            let audit = CounterAudit(database: context.database)
            var outcomes: [String: Int] = [:]

            for step in 1...Self.operationCount {
                let sessions = try await context.fixtures.allSessions()
                let label = try await Self.performRandomOperation(
                    context: context, random: &random, users: users, products: products, sessions: sessions)
                outcomes[label, default: 0] += 1

                let drift = try await audit.findDrift(limit: 5)
                if !drift.isEmpty {
                    Issue.record("seed \(seed), step \(step) (\(label)): \(drift)")
                    return
                }
                if let mismatch = try await Self.userTotalMismatch(context: context, users: users) {
                    Issue.record("seed \(seed), step \(step) (\(label)): \(mismatch)")
                    return
                }
            }
            // The sequence must have exercised each operation, successes and refusals alike.
            for expected in ["create", "send", "read", "admin-read", "delete-message", "delete-sessions", "update"] {
                #expect(outcomes[expected, default: 0] > 0, "seed \(seed): never performed \(expected)")
            }
            #expect(outcomes["refused", default: 0] > 0)
        }
    }

    /// Performs one operation chosen at random and names it; refusals must be the typed errors
    /// the rules call for.
    static func performRandomOperation(
        context: ChatTestContext, random: inout SplitMix64, users: [User], products: [Product],
        sessions: [ChatSession]
    ) async throws -> String {
        func pick<T>(_ items: [T]) -> T { items[Int(random.next(upTo: UInt64(items.count)))] }
        let chat = context.chat
        let roll = random.next(upTo: 100)
        do {
            switch roll {
            case 0..<12:
                let product = pick(products)
                let customer = pick(users)
                let vendor = random.next(upTo: 4) == 0 ? pick(users) : users.first { $0.id == product.vendorID }!
                _ = try await chat.createSession(productID: product.id, customerID: customer.id, vendorID: vendor.id)
                return "create"
            case 12..<55 where !sessions.isEmpty:
                let session = pick(sessions)
                let sender = random.next(upTo: 8) == 0 ? pick(users).id : pick([session.customerID, session.vendorID])
                let body = random.next(upTo: 15) == 0 ? " \n " : "message \(random.next(upTo: 1_000))"
                _ = try await chat.sendMessage(sessionID: session.id, senderID: sender, body: body)
                return "send"
            case 55..<72 where !sessions.isEmpty:
                let session = pick(sessions)
                let reader = random.next(upTo: 8) == 0 ? pick(users).id : pick([session.customerID, session.vendorID])
                let messages = try await context.fixtures.messages(in: session.id)
                let upTo = random.next(upTo: 2) == 0 && !messages.isEmpty ? pick(messages).id : nil
                try await chat.markRead(sessionID: session.id, readerID: reader, upToMessageID: upTo)
                return "read"
            case 72..<78 where !sessions.isEmpty:
                let chosen = (0..<(1 + random.next(upTo: 3))).map { _ in pick(sessions).id }
                try await chat.markAllRead(sessionIDs: chosen)
                return "admin-read"
            case 78..<88 where !sessions.isEmpty:
                let session = pick(sessions)
                let messages = try await context.fixtures.messages(in: session.id)
                let id =
                    messages.isEmpty || random.next(upTo: 6) == 0 ? Int64(random.next(upTo: 10_000)) : pick(messages).id
                try await chat.deleteMessage(id: id, sessionID: session.id)
                return "delete-message"
            case 88..<91 where !sessions.isEmpty:
                try await chat.deleteSessions(ids: [pick(sessions).id, Int64(random.next(upTo: 10_000))])
                return "delete-sessions"
            case 91..<100 where !sessions.isEmpty:
                let session = pick(sessions)
                let product = random.next(upTo: 2) == 0 ? session.productID : pick(products).id
                let customer = random.next(upTo: 2) == 0 ? session.customerID : pick(users).id
                let lastMessageAt = random.next(upTo: 3) == 0 ? nil : Date(epochMilliseconds: 1_700_000_000_000)
                _ = try await chat.updateSession(
                    id: session.id, productID: product, customerID: customer, vendorID: session.vendorID,
                    lastMessageAt: lastMessageAt)
                return "update"
            default:
                return "skip"
            }
        } catch let error as ChatError {
            switch error {
            case .sessionExists, .sameCustomerAndVendor, .notParticipant, .emptyBody, .messageNotFound:
                return "refused"
            default:
                throw error
            }
        }
    }

    /// Compares each user's stored unread total with a count of the unread messages sent to them.
    static func userTotalMismatch(context: ChatTestContext, users: [User]) async throws -> String? {
        try await context.database.read { db in
            let sessions = ChatSessionRepository(db, engine: context.database.engine)
            for user in users {
                let stored = try await sessions.unreadTotal(for: user.id)
                let row = try await db.raw(
                    """
                    SELECT COUNT(*) AS n FROM chat_messages m JOIN chat_sessions s ON s.id = m.chat_session_id
                    WHERE m.read_at IS NULL AND ((m.sender_role = 'vendor' AND s.customer_id = \(bind: user.id))
                        OR (m.sender_role = 'customer' AND s.vendor_id = \(bind: user.id)))
                    """
                ).first()
                let counted = try row?.decode(column: "n", as: Int64.self) ?? -1
                if stored != counted { return "user #\(user.id): stored unread total \(stored), counted \(counted)" }
            }
            let all = try await db.raw("SELECT COUNT(*) AS n FROM chat_messages WHERE read_at IS NULL").first()
            let counted = try all?.decode(column: "n", as: Int64.self) ?? -1
            let stored = try await sessions.unreadTotal()
            return stored == counted ? nil : "all sessions: stored unread total \(stored), counted \(counted)"
        }
    }
}
