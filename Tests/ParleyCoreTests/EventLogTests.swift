import Foundation
@testable import ParleyCore
import ParleyTestSupport
import SQLKit
import Testing

/// The durable event log (issue 10): every change logs its events in its own transaction at
/// gapless positions, each event reads back as it was written, and old events are pruned.
@Suite("Event log")
struct EventLogTests {
    static func logged(_ database: Database) async throws -> [(position: Int64, payload: String)] {
        try await database.read { db in
            try await db.raw("SELECT position, payload FROM event_log ORDER BY position").all().map {
                (try $0.decode(column: "position", as: Int64.self), try $0.decode(column: "payload", as: String.self))
            }
        }
    }

    @Test func everyKindOfEventReadsBackFromTheLogAsItWasPublished() async throws {
        try await ChatTestContext.run { context in
            let recorder = context.recordEvents()
            let (customer, vendor, product, session) = try await context.fixtures.conversation(chat: context.chat)
            let message = try await context.chat.sendMessage(
                sessionID: session.id, senderID: customer.id, body: "Ünïcode \"quotes\"\n<b>")
            try await context.chat.markRead(sessionID: session.id, readerID: vendor.id, upToMessageID: message.id)
            let other = try await context.fixtures.user(.vendor)
            _ = try await context.chat.updateSession(
                id: session.id, productID: product.id, customerID: customer.id, vendorID: other.id, lastMessageAt: nil)
            try await context.chat.deleteMessage(id: message.id, sessionID: session.id)
            try await context.chat.deleteSession(id: session.id)
            try await SettingsService(database: context.database, events: context.events).setChatEnabled(false)
            _ = try await UserService(database: context.database, events: context.events, bcryptCost: 4)
                .resetPassword(email: customer.email, password: "a new password")
            let published = await recorder.events(atLeast: 8)
            let decoder = JSONDecoder()
            let read = try await Self.logged(context.database).map {
                try decoder.decode(ChatEvent.self, from: Data($0.payload.utf8))
            }
            #expect(published.count == 8)
            #expect(read == published)
        }
    }

    @Test func positionsAreGaplessUnderConcurrentChanges() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        if index % 4 == 3 {
                            try await context.chat.markRead(sessionID: session.id, readerID: vendor.id)
                        } else {
                            _ = try await context.chat.sendMessage(
                                sessionID: session.id, senderID: customer.id, body: "\(index)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let positions = try await Self.logged(context.database).map(\.position)
            #expect(positions == Array(1...Int64(positions.count)))
            #expect(positions.count >= 31)
        }
    }

    @Test func eventsOlderThanTheRetentionArePrunedAndNewerOnesKept() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "old")
            let before = try await Self.logged(context.database).count
            try await Self.markDispatched(context.database)
            let later = Date().addingTimeInterval(Double(EventLogPruner.retention.components.seconds) + 60)
            let pruner = EventLogPruner(database: context.database, logger: .init(label: "test"), clock: { later })
            #expect(try await pruner.pruneOnce() == before)
            #expect(try await Self.logged(context.database).isEmpty)
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "new")
            try await Self.markDispatched(context.database)
            let now = EventLogPruner(database: context.database, logger: .init(label: "test"))
            #expect(try await now.pruneOnce() == 0)
            #expect(try await Self.logged(context.database).map(\.position) == [Int64(before + 1)])
        }
    }

    @Test func oldEventsNotYetDispatchedToNotificationsAreKept() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let dispatched = try await Self.logged(context.database).count
            try await Self.markDispatched(context.database)
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "pending")
            let later = Date().addingTimeInterval(Double(EventLogPruner.retention.components.seconds) + 60)
            let pruner = EventLogPruner(database: context.database, logger: .init(label: "test"), clock: { later })
            #expect(try await pruner.pruneOnce() == dispatched)
            #expect(try await Self.logged(context.database).map(\.position) == [Int64(dispatched + 1)])
        }
    }

    /// Moves the notification outbox's cursor to the log's head, as its dispatcher would.
    static func markDispatched(_ database: Database) async throws {
        try await database.write { db in
            let head = try await EventLogRepository(db).head()
            try await OutboxCursorRepository(db, engine: database.engine).advance(to: head)
        }
    }

    @Test func anAnnouncementsOriginAndPositionsAreReadWithoutItsEvents() throws {
        let payload =
            EventAnnouncement.opening(origin: "a1b2c3") + "41" + #","b":43"#
            + EventAnnouncement.closing(createdAt: 1_700_000_000_000, payloads: [#"{"type":"x"}"#])
        let header = try #require(EventAnnouncement.header(of: payload))
        #expect(header.origin == "a1b2c3" && header.first == 41 && header.last == 43)
        #expect(EventAnnouncement.header(of: #"{"a":1}"#) == nil)
        #expect(EventAnnouncement.header(of: #"{"o":"x","a":,"b":2}"#) == nil)
    }
}
