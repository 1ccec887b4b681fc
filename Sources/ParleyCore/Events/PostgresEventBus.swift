import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresKit
import SQLKit
import ServiceLifecycle

/// Events across the instances that share one PostgreSQL database.
///
/// Each transaction that logs events announces them with one NOTIFY, in the statement that logs
/// them; PostgreSQL sends it when the transaction commits and never when it rolls back: one per
/// batch of sends, not one per message, since NOTIFY takes a lock at commit. The announcement
/// (``EventAnnouncement``) carries the batch's origin and positions, and its events too when they
/// fit in the payload; otherwise listeners read them from the log.
///
/// As a service it holds a connection of its own that LISTENs. Other instances' events go to this
/// process's subscribers; its own were delivered when they committed. Because positions are
/// gapless, a listener that sees an announcement beyond the next position, or that reconnects
/// after losing its connection, first reads what it missed from the log. The connection is
/// checked every few seconds, so a silently dead one is replaced too.
///
/// Outside a server (a command that changes data) the bus announces without listening.
public final class PostgresEventBus: ChatEventBus, Service {
    /// How often a quiet listening connection is checked, and how long the check may take.
    static let heartbeat = Duration.seconds(5)
    /// Events read from the log at a time when catching up.
    static let replayPage = 500

    private struct Listener {
        /// The last position this instance has delivered or skipped; nil before the first LISTEN.
        var cursor: Int64?
        var isListening = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var lagObserver: (@Sendable (Double) -> Void)?
    }

    private struct ListeningStopped: Error, CustomStringConvertible {
        let description: String
    }

    public let origin: String
    private let database: Database
    private let channel: String
    private let logger: Logger
    private let everyInstance = EventFanOut()
    private let otherInstances = EventFanOut()
    private let listener = NIOLockedValueBox(Listener())

    public init(database: Database, origin: String = InProcessEventBus.newOrigin(), logger: Logger) {
        self.database = database
        self.origin = origin
        self.channel = database.eventChannel ?? "parley_events"
        self.logger = logger
    }

    // MARK: ChatEventBus

    public var announcementChannel: String? { channel }

    public func publish(_ events: [ChatEvent]) async {
        everyInstance.yield(events)
    }

    public func subscribe(
        bufferSize: Int, from origins: EventOrigins, matching: @escaping @Sendable (ChatEvent) -> Bool
    ) -> AsyncStream<ChatEvent> {
        switch origins {
        case .everyInstance: everyInstance.subscribe(bufferSize: bufferSize, matching: matching)
        case .otherInstances: otherInstances.subscribe(bufferSize: bufferSize, matching: matching)
        }
    }

    // MARK: Listening

    /// Whether the listening connection is up; false while it reconnects.
    public var isListening: Bool { listener.withLockedValue { $0.isListening } }

    /// Returns once the bus listens (at once when it does already).
    public func waitUntilListening() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = listener.withLockedValue { listener -> Bool in
                guard !listener.isListening else { return true }
                listener.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// `observer` is told, for each batch that arrives from another instance, how many seconds
    /// passed since it was logged there (the clocks of the instances' machines are compared).
    public func observeLag(_ observer: @escaping @Sendable (Double) -> Void) {
        listener.withLockedValue { $0.lagObserver = observer }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.listenUntilCancelled() }
        setListening(false)
    }

    private func listenUntilCancelled() async {
        var delay = Duration.milliseconds(50)
        var outage: String?
        while !Task.isCancelled {
            do {
                try await database.withDedicatedConnection { connection in
                    try await connection.listen(on: channel) { notifications in
                        try await catchUp(on: connection.sql())
                        setListening(true)
                        if outage != nil {
                            logger.notice("The event bus listens again and caught up with the event log")
                            outage = nil
                        }
                        delay = .milliseconds(50)
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            group.addTask { try await Self.checkPeriodically(connection) }
                            group.addTask {
                                for try await notification in notifications {
                                    try await self.receive(notification.payload, on: connection.sql())
                                }
                                throw ListeningStopped(description: "the listening connection closed")
                            }
                            try await group.next()
                        }
                    }
                }
            } catch {
                setListening(false)
                guard !Task.isCancelled else { break }
                if outage == nil {
                    outage = "\(error)"
                    logger.warning(
                        "The event bus lost its listening connection; other instances' events wait until it is back",
                        metadata: ["error": "\(String(reflecting: error))"])
                }
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(2))
        }
    }

    /// Checks the connection every few seconds; throws (closing it, which ends the listening) when
    /// it does not answer in time.
    private static func checkPeriodically(_ connection: PostgresConnection) async throws {
        while true {
            try await Task.sleep(for: heartbeat)
            let answered = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    _ = try await connection.sql().raw("SELECT 1 AS ok").first()
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: heartbeat)
                    return false
                }
                defer { group.cancelAll() }
                return try await group.next() ?? false
            }
            guard answered else {
                try? await connection.close()
                throw ListeningStopped(description: "the listening connection stopped answering")
            }
        }
    }

    private func setListening(_ isListening: Bool) {
        let waiters = listener.withLockedValue { listener -> [CheckedContinuation<Void, Never>] in
            listener.isListening = isListening
            guard isListening else { return [] }
            defer { listener.waiters = [] }
            return listener.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// After LISTEN: the first time, starts from the log's head; after a reconnection, delivers
    /// what other instances logged meanwhile.
    private func catchUp(on db: any SQLDatabase) async throws {
        let head = try await EventLogRepository(db).head()
        if let cursor = listener.withLockedValue({ $0.cursor }), cursor < head {
            try await replay(after: cursor, through: head, on: db)
        }
        listener.withLockedValue { $0.cursor = max($0.cursor ?? head, head) }
    }

    private func receive(_ payload: String, on db: any SQLDatabase) async throws {
        guard let header = EventAnnouncement.header(of: payload) else {
            logger.error("Ignoring an event announcement that does not parse")
            return
        }
        let cursor = listener.withLockedValue { $0.cursor } ?? (header.first - 1)
        guard header.last > cursor else { return }
        if header.first > cursor + 1 {
            try await replay(after: cursor, through: header.first - 1, on: db)
        }
        // This instance delivered its own batches when they committed: only the position moves.
        if header.origin != origin {
            let announcement = EventAnnouncement.read(payload)
            let events: [ChatEvent]
            if let carried = announcement?.e {
                events = carried
            } else {
                events = try await EventLogRepository(db).entries(
                    after: header.first - 1, through: header.last, limit: Int(header.last - header.first + 1)
                ).map(\.event)
            }
            deliverFromOthers(events)
            if let announcement {
                let lag = Double(Date().epochMilliseconds - announcement.t) / 1000
                listener.withLockedValue { $0.lagObserver }?(max(0, lag))
            }
        }
        listener.withLockedValue { $0.cursor = header.last }
    }

    /// Delivers other instances' events logged after `cursor` up to `last`, from the log.
    private func replay(after cursor: Int64, through last: Int64, on db: any SQLDatabase) async throws {
        var position = cursor
        while position < last {
            let entries = try await EventLogRepository(db).entries(
                after: position, through: last, limit: Self.replayPage)
            guard let final = entries.last else { break }
            if let first = entries.first, first.position > position + 1 {
                warnPruned(missed: first.position - position - 1)
            }
            deliverFromOthers(entries.filter { $0.origin != origin }.map(\.event))
            position = final.position
            listener.withLockedValue { $0.cursor = position }
        }
        if position < last { warnPruned(missed: last - position) }
    }

    private func warnPruned(missed: Int64) {
        logger.warning(
            "Events were pruned from the log before this instance read them; clients catch up with after=",
            metadata: ["missed": "\(missed)"])
    }

    private func deliverFromOthers(_ events: [ChatEvent]) {
        guard !events.isEmpty else { return }
        everyInstance.yield(events)
        otherInstances.yield(events)
    }
}
