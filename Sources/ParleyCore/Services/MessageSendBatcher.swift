import Foundation
import NIOConcurrencyHelpers
import SQLKit
import ServiceLifecycle

/// The one path by which messages are written: every send, alone or among many, is a member of a
/// batch written at once, with one statement per step: read the sessions (which also reserves the
/// new messages' ids), look up client message ids when there are any, then insert the messages,
/// store the counters and log the events, which on PostgreSQL is one statement.
///
/// On SQLite the batch is one transaction and the sessions are read under its lock. On PostgreSQL
/// the sessions are read without locks and the last statement, with no transaction around it
/// (two round trips fewer), writes only if they are still as read; if not, or when the batch also
/// opens moderation cases or audit entries, the batch is written again in a transaction that
/// locks the sessions as it reads them.
///
/// Under load a batch is whatever arrived while the previous one was being written, so an idle
/// server writes each message at once and a busy one spreads the work over many. Each send still
/// gets its own answer, given once its message is committed and its event published: a send to
/// a session it may not write to fails alone, and if the shared transaction fails as a whole,
/// every send of the batch is written again as a batch of its own.
///
/// As a service it stops with the server: once graceful shutdown begins (after the HTTP server
/// has answered its last request, since services stop in reverse order), new sends are refused
/// with ``ServiceShuttingDown`` and `run` returns when every queued send has been answered.
public final class MessageSendBatcher: Service, Sendable {
    struct Send: Sendable {
        let sessionID: Int64
        let senderID: Int64
        let body: String
        let clientMessageID: String?
        /// `body` with its contact details hidden, when the detector found any.
        var hiddenBody: String? = nil
        /// The administrator sending on a participant's behalf, whose audit entry joins the batch.
        var audit: AuditContext? = nil
    }

    /// A send's result: its message with the session after the batch, or with nil when an earlier
    /// send under the same client message id answers it; or why it was refused.
    typealias Outcome = Result<(ChatMessage, ChatSession?), any Error>

    /// A batch with the send rules applied (``apply(_:at:engine:on:locking:)``): each send's outcome,
    /// the statements still to run, and, when written without locks, the condition they write under.
    struct Applied {
        var outcomes: [Outcome]
        var statements: [(name: String, statement: SQLQueryString)]
        var condition: SQLQueryString? = nil
    }

    private struct Pending {
        let send: Send
        let continuation: CheckedContinuation<ChatService.SentMessage, any Error>
    }

    private struct State {
        var pending: [Pending] = []
        /// Tasks writing batches now.
        var writers = 0
        /// Sessions in the batches being written.
        var sessionsBeingWritten: Set<Int64> = []
        var isClosed = false
        /// Waiting for the last queued send to be answered after closing.
        var finished: [CheckedContinuation<Void, Never>] = []
        var statistics = SendStatistics()
    }

    /// Sends in one transaction at most; bounds the statement size and a batch's latency.
    static let maximumBatch = 256

    private let database: Database
    private let events: any ChatEventBus
    private let clock: @Sendable () -> Date
    /// Batches written at the same time. One, on both engines: on SQLite a single writer groups
    /// commits anyway; on PostgreSQL one writer makes batches about four times as large as four
    /// writers did (32 sends rather than 8 at 64 senders), which costs the server less per send,
    /// and measured 7 to 18 % more sends per second with a lower p99 on this 2-core machine
    /// (BENCHMARKS.md). The code for several writers (which keeps concurrent batches off each
    /// other's sessions) stays, for a larger machine where more may pay; nothing sets it today.
    private let maximumWriters: Int
    private let metrics: any MetricsRecorder
    private let state = NIOLockedValueBox(State())

    init(
        database: Database, events: any ChatEventBus, clock: @escaping @Sendable () -> Date,
        metrics: any MetricsRecorder = NoMetrics()
    ) {
        self.database = database
        self.events = events
        self.clock = clock
        self.maximumWriters = 1
        self.metrics = metrics
    }

    var statistics: SendStatistics { state.withLockedValue { $0.statistics } }

    /// Queues a send and returns once it is committed and its event published.
    ///
    /// - Throws: ``ServiceShuttingDown`` once the server has begun to stop.
    func submit(_ send: Send) async throws -> ChatService.SentMessage {
        try await withCheckedThrowingContinuation { continuation in
            let startsWriter = state.withLockedValue { state -> Bool? in
                guard !state.isClosed else { return nil }
                state.pending.append(Pending(send: send, continuation: continuation))
                guard state.writers < maximumWriters else { return false }
                state.writers += 1
                return true
            }
            switch startsWriter {
            case nil: continuation.resume(throwing: ServiceShuttingDown())
            case true?: Task(executorPreference: DatabaseThread.shared) { await self.writeWhilePending() }
            case false?: break
            }
        }
    }

    /// Waits for graceful shutdown, then refuses new sends and returns once every queued one is
    /// answered.
    public func run() async throws {
        try? await gracefulShutdown()
        await finish()
    }

    /// Refuses new sends from now on and returns once every queued one is answered.
    public func finish() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLockedValue { state -> Bool in
                state.isClosed = true
                guard state.writers > 0 else { return true }
                state.finished.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    /// Writes batches until nothing is queued. Every queued send has a writer coming for it: one is
    /// started for it, or one already running takes it before it stops.
    ///
    /// Batches written at the same time never share a session: each batch locks its sessions until
    /// it commits, so a shared one would only make the later batch wait. A send to a session that
    /// another batch holds stays queued (in order behind that session's earlier sends) until that
    /// batch's writer comes back for more.
    private func writeWhilePending() async {
        var held: Set<Int64> = []
        while true {
            let (batch, finished) = state.withLockedValue { state -> ([Pending], [CheckedContinuation<Void, Never>]) in
                state.sessionsBeingWritten.subtract(held)
                var batch: [Pending] = []
                var waiting: [Pending] = []
                for pending in state.pending {
                    if batch.count < Self.maximumBatch, !state.sessionsBeingWritten.contains(pending.send.sessionID) {
                        batch.append(pending)
                    } else {
                        waiting.append(pending)
                    }
                }
                guard batch.isEmpty else {
                    state.pending = waiting
                    state.sessionsBeingWritten.formUnion(batch.map(\.send.sessionID))
                    state.statistics.batches += 1
                    state.statistics.sends += batch.count
                    return (batch, [])
                }
                // Whatever is still queued waits for sessions another writer holds; it comes back.
                state.writers -= 1
                guard state.writers == 0, state.isClosed else { return ([], []) }
                defer { state.finished = [] }
                return ([], state.finished)
            }
            guard !batch.isEmpty else {
                for waiter in finished { waiter.resume() }
                return
            }
            held = Set(batch.map(\.send.sessionID))
            await write(batch)
        }
    }

    private func write(_ batch: [Pending]) async {
        let outcomes: [Outcome]
        let path: SendBatchPath
        do {
            (outcomes, path) = try await write(batch.map(\.send), at: clock())
        } catch let error where batch.count > 1 && !(error is DatabaseUnreachable) {
            // Something the batch could not foresee (a client message id that raced in from another
            // connection, say): each send as a batch of its own, so only the one at fault fails.
            for pending in batch { await write([pending]) }
            return
        } catch {
            for pending in batch { await answerAlone(pending, after: error) }
            return
        }
        state.withLockedValue { $0.statistics.paths[path, default: 0] += 1 }
        metrics.recordSendBatch(sends: batch.count, messagesWritten: Self.events(of: outcomes).count, path: path)
        for (pending, outcome) in zip(batch, outcomes) {
            pending.continuation.resume(
                with: outcome.map { message, session in
                    ChatService.SentMessage(message: message, isNew: session != nil)
                })
        }
    }

    /// Writes `sends` the cheapest way open to them: on PostgreSQL in one statement when it can,
    /// otherwise (and on SQLite) in a transaction that locks as it reads.
    private func write(_ sends: [Send], at now: Date) async throws -> ([Outcome], SendBatchPath) {
        let engine = database.engine
        var path = SendBatchPath.transaction
        if engine == .postgres {
            do {
                if let written = try await writeInOneStatement(sends, at: now) { return (written, .oneStatement) }
            } catch is ConcurrentChange {
                path = .transactionAfterChange
            }
        }
        let outcomes = try await database.write(publishingTo: events, at: now) { db in
            let applied = try await Self.apply(sends, at: now, engine: engine, on: db, locking: true)
            return (applied.outcomes, Self.events(of: applied.outcomes), applied.statements)
        }
        return (outcomes, path)
    }

    /// PostgreSQL: the batch read without locks and written in one statement, which writes only if
    /// its sessions are as they were read (``Database/writeInOneStatement(publishingTo:at:_:)``).
    /// Nil when the batch writes more than messages and counters, and ``ConcurrentChange`` when a
    /// session changed meanwhile: either way it is to be written under locks instead.
    private func writeInOneStatement(_ sends: [Send], at now: Date) async throws -> [Outcome]? {
        let engine = database.engine
        return try await database.writeInOneStatement(publishingTo: events, at: now) { db in
            let applied = try await Self.apply(sends, at: now, engine: engine, on: db, locking: false)
            guard let condition = applied.condition else { return nil }
            return (applied.outcomes, Self.events(of: applied.outcomes), applied.statements, condition: condition)
        }
    }

    /// The events of a written batch: one per message it created.
    private static func events(of outcomes: [Outcome]) -> [ChatEvent] {
        outcomes.compactMap { outcome in
            guard case .success((let message, let session?)) = outcome else { return nil }
            return .messageCreated(message, session: session)
        }
    }

    /// A send whose batch of one failed. When its client message id was taken meanwhile (the same
    /// send committed on another connection), it is answered with that message.
    private func answerAlone(_ pending: Pending, after error: any Error) async {
        let send = pending.send
        guard let clientMessageID = send.clientMessageID, Database.isUniqueViolation(error) else {
            pending.continuation.resume(throwing: error)
            return
        }
        do {
            let existing = try await database.read { db in
                try await ChatMessageRepository(db).find(senderID: send.senderID, clientMessageID: clientMessageID)
            }
            guard let existing, existing.sessionID == send.sessionID else { throw ChatError.clientMessageIDReused }
            pending.continuation.resume(returning: .init(message: existing, isNew: false))
        } catch {
            pending.continuation.resume(throwing: error)
        }
    }

    /// The send rules, applied to a batch: each send's session must exist
    /// and the sender must take part in it; a send repeated under a client message id answers the
    /// first message and writes nothing.
    ///
    /// Returns each send's outcome, and the statements that write the new messages and the
    /// sessions' counters, for the caller to run with the event log's append (one round trip with
    /// it on PostgreSQL). They are run here instead when something else the batch writes refers to
    /// the new messages.
    ///
    /// Without `locking` (PostgreSQL, outside a transaction), the sessions are read unlocked, the
    /// statements write only while the condition returned with them holds (the sessions are as
    /// read, and locked by the statement), and a batch that writes more than messages and counters
    /// comes back with no condition and no statements, to be written under locks.
    static func apply(
        _ sends: [Send], at now: Date, engine: DatabaseEngine, on db: any SQLDatabase, locking: Bool
    ) async throws -> Applied {
        let sessionRepository = ChatSessionRepository(db, engine: engine)
        let messageRepository = ChatMessageRepository(db)
        let current = try await sessionRepository.readForSending(
            ids: Set(sends.map(\.sessionID)), reservingMessageIDs: sends.count, locking: locking)

        var results = [Outcome?](repeating: nil, count: sends.count)
        var roles = [ParticipantRole?](repeating: nil, count: sends.count)
        for (index, send) in sends.enumerated() {
            guard let read = current.sessions[send.sessionID] else {
                results[index] = .failure(ChatError.sessionNotFound(id: send.sessionID))
                continue
            }
            guard let role = read.session.role(of: send.senderID) else {
                results[index] = .failure(ChatError.notParticipant(userID: send.senderID, sessionID: send.sessionID))
                continue
            }
            guard read.blockers.isEmpty else {
                results[index] = .failure(ModerationError.blocked(byMe: read.blockers.contains(role)))
                continue
            }
            roles[index] = role
        }
        func key(_ index: Int) -> ClientMessageKey? {
            sends[index].clientMessageID.map { ClientMessageKey(senderID: sends[index].senderID, clientMessageID: $0) }
        }
        let keys = Set(sends.indices.filter { results[$0] == nil }.compactMap(key))
        let earlier = try await messageRepository.find(sentUnder: keys, engine: engine).reduce(
            into: [ClientMessageKey: ChatMessage]()
        ) {
            if let id = $1.clientMessageID { $0[ClientMessageKey(senderID: $1.senderID, clientMessageID: id)] = $1 }
        }
        func answered(by message: ChatMessage, _ index: Int) -> Outcome {
            message.sessionID == sends[index].sessionID
                ? .success((message, nil)) : .failure(ChatError.clientMessageIDReused)
        }
        var firstInBatch: [ClientMessageKey: Int] = [:]
        var repeats: [Int: Int] = [:]
        var inserts: [Int] = []
        for index in sends.indices where results[index] == nil {
            if let key = key(index) {
                if let message = earlier[key] {
                    results[index] = answered(by: message, index)
                    continue
                }
                if let first = firstInBatch[key] {
                    repeats[index] = first
                    continue
                }
                firstInBatch[key] = index
            }
            inserts.append(index)
        }

        // The setting is read only when a message needs it, inside the transaction, so every
        // instance applies the administrator's latest choice.
        let policy =
            inserts.contains { sends[$0].hiddenBody != nil }
            ? try await SettingsRepository(db).contactDetailPolicy() : .allow
        let createdAt = Date(epochMilliseconds: now.epochMilliseconds)
        let inserted = zip(inserts, current.reservedMessageIDs).map { index, id in
            let send = sends[index]
            var message = ChatMessage(
                id: id, sessionID: send.sessionID, senderID: send.senderID, senderRole: roles[index]!, body: send.body,
                readAt: nil, createdAt: createdAt, clientMessageID: send.clientMessageID)
            if let hidden = send.hiddenBody, policy != .allow {
                message.flags = [.contactDetails]
                if policy == .hide { (message.body, message.originalBody) = (hidden, send.body) }
            }
            return message
        }
        let updated = Dictionary(grouping: inserted, by: \.sessionID).reduce(into: [Int64: ChatSession]()) {
            $0[$1.key] = current.sessions[$1.key]!.session.recording($1.value, at: now)
        }
        let flagged = inserted.filter { $0.flags.contains(.contactDetails) }
        let audited = zip(inserts, inserted).filter { sends[$0.0].audit != nil }
        let changed = updated.keys.sorted().map { updated[$0]! }
        var statements: [(name: String, statement: SQLQueryString)] = []
        var condition: SQLQueryString? = nil
        if !locking {
            guard flagged.isEmpty, audited.isEmpty else { return Applied(outcomes: [], statements: []) }
            let unchanged: SQLQueryString = "(SELECT count(*) FROM unchanged) = \(bind: Int64(changed.count))"
            if !inserted.isEmpty {
                statements = [
                    ("unchanged", sessionRepository.lockingUnchanged(changed.map { current.sessions[$0.id]!.session })),
                    ("counted", sessionRepository.storingCounters(of: changed, when: unchanged)),
                    ("inserted", ChatMessageRepository.inserting(inserted, engine: engine, when: unchanged)),
                ]
            }
            condition = inserted.isEmpty ? "TRUE" : unchanged
        } else if !inserted.isEmpty {
            statements = [
                ("inserted", ChatMessageRepository.inserting(inserted, engine: engine)),
                ("counted", sessionRepository.storingCounters(of: changed)),
            ]
            if !flagged.isEmpty || !audited.isEmpty {
                // Moderation cases and audit entries refer to the messages: they must exist first.
                for (_, statement) in statements { try await db.raw(statement).run() }
                statements = []
            }
        }
        try await ModerationCaseRepository(db).openForDetectedContactDetails(flagged, at: now)
        let audit = AuditLogRepository(db)
        for (index, message) in audited {
            try await audit.appendAction(
                .messageSent, target: .chatMessage, ids: [message.id],
                summary: "as the \(message.senderRole.rawValue) of chat session #\(message.sessionID)",
                by: sends[index].audit, at: now)
        }
        for (index, message) in zip(inserts, inserted) {
            results[index] = .success((message, updated[message.sessionID]))
        }
        for (index, first) in repeats {
            guard case .success((let message, _)) = results[first] else { continue }
            results[index] = answered(by: message, index)
        }
        return Applied(
            outcomes: results.map { $0 ?? .failure(ChatError.clientMessageIDReused) }, statements: statements,
            condition: condition)
    }
}
