import Foundation
import Logging
import NIOConcurrencyHelpers
import ParleyCore
import SQLKit
import ServiceLifecycle

/// A count the sidebar shows and pushes live: unread messages across all sessions
/// (``unreadMessages(database:events:logger:)``), or the moderation queue's open cases.
///
/// Summing a million rows on every page view would cost more than the rest of the page, so the
/// count is kept here and recomputed when chat events that can move it (this instance's and,
/// through the bus, other instances') arrive: at most about ten times a second however busy the
/// chat is, and once a minute regardless.
final class SidebarCount: Service, Sendable {
    private struct State {
        var value: Int64?
        var listeners: [UUID: AsyncStream<Int64>.Continuation] = [:]
    }

    private let database: Database
    private let events: any ChatEventBus
    private let logger: Logger
    /// What is counted, for the log.
    private let name: String
    private let count: @Sendable (any SQLDatabase, Database) async throws -> Int64
    /// Whether an event can change the count; others do not cost a recount.
    private let moves: @Sendable (ChatEvent) -> Bool
    private let state = NIOLockedValueBox(State())

    init(
        database: Database, events: any ChatEventBus, logger: Logger, name: String,
        movedBy moves: @escaping @Sendable (ChatEvent) -> Bool,
        count: @escaping @Sendable (any SQLDatabase, Database) async throws -> Int64
    ) {
        self.moves = moves
        self.database = database
        self.events = events
        self.logger = logger
        self.name = name
        self.count = count
    }

    /// Unread messages across all sessions (index chat_sessions_*_unread_idx).
    static func unreadMessages(database: Database, events: any ChatEventBus, logger: Logger) -> SidebarCount {
        SidebarCount(
            database: database, events: events, logger: logger, name: "unread total",
            movedBy: movesUnreadMessages
        ) { db, database in
            try await ChatSessionRepository(db, engine: database.engine).unreadTotal()
        }
    }

    /// Moderation cases no moderator has decided (moderation_cases_state_idx).
    static func openModerationCases(database: Database, events: any ChatEventBus, logger: Logger) -> SidebarCount {
        SidebarCount(
            database: database, events: events, logger: logger, name: "open moderation cases",
            movedBy: movesOpenModerationCases
        ) { db, _ in
            try await ModerationCaseRepository(db).openCount()
        }
    }

    /// Whether an event can change the unread total.
    static func movesUnreadMessages(_ event: ChatEvent) -> Bool {
        switch event {
        case .messageCreated, .messagesRead, .messageDeleted, .sessionCreated, .sessionUpdated, .sessionDeleted: true
        case .chatAvailabilityChanged, .accessChanged, .userBanned, .moderationQueueChanged: false
        }
    }

    /// Whether an event can change the number of open cases: a decision or a report says so; a
    /// detection opens a case in the send's own transaction; a deleted session takes its cases along.
    static func movesOpenModerationCases(_ event: ChatEvent) -> Bool {
        switch event {
        case .messageCreated(let message, _): message.flags.contains(.contactDetails)
        case .moderationQueueChanged, .sessionDeleted: true
        case .messagesRead, .messageDeleted, .sessionCreated, .sessionUpdated, .chatAvailabilityChanged, .accessChanged,
            .userBanned:
            false
        }
    }

    /// The last known total, read from the database the first time.
    func current() async -> Int64 {
        if let value = state.withLockedValue({ $0.value }) { return value }
        return await refresh()
    }

    /// Recomputes the total now and tells listeners when it changed.
    @discardableResult
    func refresh() async -> Int64 {
        do {
            let total = try await database.read { [count, database] db in try await count(db, database) }
            let (changed, listeners) = state.withLockedValue { state in
                let changed = state.value != total
                state.value = total
                return (changed, Array(state.listeners.values))
            }
            if changed { for listener in listeners { listener.yield(total) } }
            return total
        } catch is CancellationError {
            // The server is stopping (or never started): nothing to report.
            return state.withLockedValue { $0.value } ?? 0
        } catch {
            logger.warning("Could not compute the \(name): \(error)")
            return state.withLockedValue { $0.value } ?? 0
        }
    }

    /// Totals as they change, starting with the current one.
    func updates() -> AsyncStream<Int64> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int64.self, bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        let current = state.withLockedValue { state in
            state.listeners[id] = continuation
            return state.value
        }
        if let current { continuation.yield(current) }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLockedValue { _ = $0.listeners.removeValue(forKey: id) }
        }
        return stream
    }

    func run() async throws {
        let (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        // The first total is read at start, not by the first page view.
        signal.yield()
        let chatEvents = events.subscribe(matching: moves)
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in chatEvents { signal.yield() }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(60))
                        signal.yield()
                    }
                }
                group.addTask { [self] in
                    for await _ in signals {
                        await refresh()
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                }
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            signal.finish()
        }
        state.withLockedValue { state in
            for listener in state.listeners.values { listener.finish() }
            state.listeners = [:]
        }
    }
}
