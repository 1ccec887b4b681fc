import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// Writes messages that are sent at the same moment together: one transaction and four
/// statements for the whole batch (lock the sessions, look up client message ids, insert the
/// messages, update the counters) instead of a transaction and four statements per message.
///
/// Under load the batch is whatever arrived while the previous one was being written, so an idle
/// server writes each message at once and a busy one amortises the work over many. Each send
/// still gets its own answer: a send to a session it may not write to fails alone, and if the
/// shared transaction fails as a whole, every send of the batch is retried on its own.
final class MessageSendBatcher: Sendable {
    struct Send: Sendable {
        let sessionID: Int64
        let senderID: Int64
        let body: String
        let clientMessageID: String?
    }

    private struct Pending {
        let send: Send
        let continuation: CheckedContinuation<ChatService.SentMessage, any Error>
    }

    private struct State {
        var pending: [Pending] = []
        var isDraining = false
        var statistics = SendStatistics()
    }

    /// Sends in one transaction at most; bounds the statement size and a batch's latency.
    static let maximumBatch = 256

    private let database: Database
    private let events: any ChatEventBus
    private let clock: @Sendable () -> Date
    /// The one-message path, for when a shared transaction fails.
    private let sendAlone: @Sendable (Send) async throws -> ChatService.SentMessage
    private let state = NIOLockedValueBox(State())

    init(
        database: Database, events: any ChatEventBus, clock: @escaping @Sendable () -> Date,
        sendAlone: @escaping @Sendable (Send) async throws -> ChatService.SentMessage
    ) {
        self.database = database
        self.events = events
        self.clock = clock
        self.sendAlone = sendAlone
    }

    var statistics: SendStatistics { state.withLockedValue { $0.statistics } }

    /// Queues a send and returns once it is committed and its event published.
    func submit(_ send: Send) async throws -> ChatService.SentMessage {
        try await withCheckedThrowingContinuation { continuation in
            let startsDraining = state.withLockedValue { state -> Bool in
                state.pending.append(Pending(send: send, continuation: continuation))
                guard !state.isDraining else { return false }
                state.isDraining = true
                return true
            }
            if startsDraining { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch = state.withLockedValue { state -> [Pending] in
                let batch = Array(state.pending.prefix(Self.maximumBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty {
                    state.isDraining = false
                } else {
                    state.statistics.batches += 1
                    state.statistics.sends += batch.count
                }
                return batch
            }
            guard !batch.isEmpty else { return }
            await write(batch)
        }
    }

    private func write(_ batch: [Pending]) async {
        let now = clock()
        let engine = database.engine
        let outcomes: [Result<(ChatMessage, ChatSession?), any Error>]
        do {
            outcomes = try await database.write { db in
                try await Self.apply(batch.map(\.send), at: now, engine: engine, on: db)
            }
        } catch {
            // Something the batch could not foresee (a client message id that raced in from another
            // process, say): each send on its own, so only the one at fault fails.
            await withTaskGroup(of: Void.self) { group in
                for pending in batch {
                    group.addTask {
                        do {
                            pending.continuation.resume(returning: try await self.sendAlone(pending.send))
                        } catch {
                            pending.continuation.resume(throwing: error)
                        }
                    }
                }
            }
            return
        }
        let created = outcomes.compactMap { outcome -> ChatEvent? in
            guard case .success((let message, let session?)) = outcome else { return nil }
            return .messageCreated(message, session: session)
        }
        await events.publish(created)
        for (pending, outcome) in zip(batch, outcomes) {
            pending.continuation.resume(
                with: outcome.map { message, session in
                    ChatService.SentMessage(message: message, isNew: session != nil)
                })
        }
    }

    /// The batch's statements. Each send's result: its message with the session after the batch,
    /// or with nil when an earlier send under the same client message id answers it, or its error.
    static func apply(
        _ sends: [Send], at now: Date, engine: DatabaseEngine, on db: any SQLDatabase
    ) async throws -> [Result<(ChatMessage, ChatSession?), any Error>] {
        // Row locks in id order on PostgreSQL, so two batches cannot deadlock.
        let sessionIDs = Array(Set(sends.map(\.sessionID))).sorted()
        let lock = engine == .postgres ? " FOR UPDATE" : ""
        let sessions = try await db.raw(
            """
            SELECT \(unsafeRaw: ChatSession.columns) FROM chat_sessions WHERE id IN (\(binds: sessionIDs))
            ORDER BY id\(unsafeRaw: lock)
            """
        ).all().map(ChatSession.init(row:)).reduce(into: [Int64: ChatSession]()) { $0[$1.id] = $1 }

        var results = [Result<(ChatMessage, ChatSession?), any Error>?](repeating: nil, count: sends.count)
        var roles = [ParticipantRole?](repeating: nil, count: sends.count)
        for (index, send) in sends.enumerated() {
            guard let session = sessions[send.sessionID] else {
                results[index] = .failure(ChatError.sessionNotFound(id: send.sessionID))
                continue
            }
            guard let role = session.role(of: send.senderID) else {
                results[index] = .failure(ChatError.notParticipant(userID: send.senderID, sessionID: send.sessionID))
                continue
            }
            roles[index] = role
        }

        // Sends repeated under a client message id answer the first message and write nothing.
        struct Key: Hashable {
            let senderID: Int64
            let clientMessageID: String
        }
        let keyed = sends.indices.filter { results[$0] == nil && sends[$0].clientMessageID != nil }
        var earlier: [Key: ChatMessage] = [:]
        if !keyed.isEmpty {
            var condition = SQLQueryString("")
            for (position, index) in keyed.enumerated() {
                let (senderID, clientMessageID) = (sends[index].senderID, sends[index].clientMessageID)
                if position > 0 { condition = condition + " OR " }
                condition =
                    condition + "(sender_id = \(bind: senderID) AND client_message_id = \(bind: clientMessageID))"
            }
            let found = try await db.raw(
                "SELECT \(unsafeRaw: ChatMessage.columns) FROM chat_messages WHERE " + condition
            ).all().map(ChatMessage.init(row:))
            for message in found {
                if let id = message.clientMessageID {
                    earlier[Key(senderID: message.senderID, clientMessageID: id)] = message
                }
            }
        }
        var firstInBatch: [Key: Int] = [:]
        var duplicates: [Int: Int] = [:]
        var inserts: [Int] = []
        for index in sends.indices where results[index] == nil {
            let send = sends[index]
            if let clientMessageID = send.clientMessageID {
                let key = Key(senderID: send.senderID, clientMessageID: clientMessageID)
                if let message = earlier[key] {
                    results[index] =
                        message.sessionID == send.sessionID
                        ? .success((message, nil)) : .failure(ChatError.clientMessageIDReused)
                    continue
                }
                if let first = firstInBatch[key] {
                    duplicates[index] = first
                    continue
                }
                firstInBatch[key] = index
            }
            inserts.append(index)
        }
        guard !inserts.isEmpty else { return results.map { $0 ?? .failure(ChatError.clientMessageIDReused) } }

        let stamp = now.epochMilliseconds
        var values = SQLQueryString("")
        for (position, index) in inserts.enumerated() {
            let send = sends[index]
            let role = roles[index]!.rawValue
            if position > 0 { values = values + ", " }
            values =
                values
                + "(\(bind: send.sessionID), \(bind: send.senderID), \(bind: role), \(bind: send.body), "
                + "\(bind: stamp), \(bind: send.clientMessageID))"
        }
        // One statement numbers its rows in VALUES order on both engines, so ids sort like the sends.
        let inserted = try await db.raw(
            """
            INSERT INTO chat_messages (chat_session_id, sender_id, sender_role, body, created_at, client_message_id)
            VALUES \(values) RETURNING \(unsafeRaw: ChatMessage.columns)
            """
        ).all().map(ChatMessage.init(row:)).sorted { $0.id < $1.id }
        guard inserted.count == inserts.count else {
            throw DatabaseUnavailable(description: "INSERT … RETURNING gave \(inserted.count) of \(inserts.count) rows")
        }

        let updated = try await recordMessages(
            inserts.map { (sends[$0].sessionID, roles[$0]!) }, at: stamp, on: db)
        for (index, message) in zip(inserts, inserted) {
            results[index] = .success((message, updated[message.sessionID]))
        }
        for (index, first) in duplicates {
            guard case .success((let message, _)) = results[first] else { continue }
            results[index] =
                message.sessionID == sends[index].sessionID
                ? .success((message, nil)) : .failure(ChatError.clientMessageIDReused)
        }
        return results.map { $0 ?? .failure(ChatError.clientMessageIDReused) }
    }

    /// Adds the new messages to their sessions' counters in one UPDATE and returns the sessions.
    private static func recordMessages(
        _ messages: [(sessionID: Int64, sender: ParticipantRole)], at stamp: Int64, on db: any SQLDatabase
    ) async throws -> [Int64: ChatSession] {
        struct Counts {
            var total: Int64 = 0
            var toCustomer: Int64 = 0
            var toVendor: Int64 = 0
        }
        var counts: [Int64: Counts] = [:]
        for (sessionID, sender) in messages {
            counts[sessionID, default: Counts()].total += 1
            if sender == .vendor { counts[sessionID]!.toCustomer += 1 } else { counts[sessionID]!.toVendor += 1 }
        }
        let ids = counts.keys.sorted()
        func delta(_ value: (Counts) -> Int64) -> SQLQueryString {
            var expression = SQLQueryString("CASE id")
            for id in ids { expression = expression + " WHEN \(bind: id) THEN \(bind: value(counts[id]!))" }
            return expression + " ELSE 0 END"
        }
        let customerColumn = ChatSessionRepository.unreadColumn(for: .customer)
        let vendorColumn = ChatSessionRepository.unreadColumn(for: .vendor)
        let rows = try await db.raw(
            """
            UPDATE chat_sessions SET messages_count = messages_count + \(delta { $0.total }),
                unread_count = unread_count + \(delta { $0.total }),
                \(unsafeRaw: customerColumn) = \(unsafeRaw: customerColumn) + \(delta { $0.toCustomer }),
                \(unsafeRaw: vendorColumn) = \(unsafeRaw: vendorColumn) + \(delta { $0.toVendor }),
                last_message_at = \(bind: stamp), updated_at = \(bind: stamp)
            WHERE id IN (\(binds: ids))
            RETURNING \(unsafeRaw: ChatSession.columns)
            """
        ).all().map(ChatSession.init(row:))
        return rows.reduce(into: [:]) { $0[$1.id] = $1 }
    }
}

/// How sends were grouped, for tests and diagnostics.
public struct SendStatistics: Sendable, Equatable {
    /// Transactions the batcher wrote.
    public var batches = 0
    /// Sends they carried.
    public var sends = 0
}
