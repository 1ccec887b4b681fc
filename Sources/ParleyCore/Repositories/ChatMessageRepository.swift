import Foundation
import SQLKit

/// Reads and writes `chat_messages`. Only ``ChatService`` changes them, inside its transactions.
public struct ChatMessageRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    public func find(id: Int64) async throws -> ChatMessage? {
        try await db.raw("SELECT \(unsafeRaw: ChatMessage.columns) FROM chat_messages WHERE id = \(bind: id)")
            .first().map(ChatMessage.init(row:))
    }

    /// The message a sender already sent under their own id, if any (index
    /// chat_messages_client_message_key).
    func find(senderID: Int64, clientMessageID: String) async throws -> ChatMessage? {
        try await db.raw(
            """
            SELECT \(unsafeRaw: ChatMessage.columns) FROM chat_messages
            WHERE sender_id = \(bind: senderID) AND client_message_id = \(bind: clientMessageID)
            """
        ).first().map(ChatMessage.init(row:))
    }

    /// The messages already sent under any of the given (sender, client message id) pairs.
    func find(sentUnder keys: some Collection<ClientMessageKey>) async throws -> [ChatMessage] {
        guard !keys.isEmpty else { return [] }
        var condition = SQLQueryString("")
        for (position, key) in keys.enumerated() {
            if position > 0 { condition = condition + " OR " }
            condition =
                condition + "(sender_id = \(bind: key.senderID) AND client_message_id = \(bind: key.clientMessageID))"
        }
        return try await db.raw("SELECT \(unsafeRaw: ChatMessage.columns) FROM chat_messages WHERE " + condition)
            .all().map(ChatMessage.init(row:))
    }

    /// A conversation's messages, oldest first, after `afterID` (index chat_messages_session_idx).
    public func list(sessionID: Int64, afterID: Int64 = 0, limit: Int = 100) async throws -> [ChatMessage] {
        try await db.raw(
            """
            SELECT \(unsafeRaw: ChatMessage.columns) FROM chat_messages
            WHERE chat_session_id = \(bind: sessionID) AND id > \(bind: afterID)
            ORDER BY id LIMIT \(bind: limit)
            """
        ).all().map(ChatMessage.init(row:))
    }

    /// Messages by id for paging a conversation: `limit` before `beforeID` (newest of them last) or
    /// after `afterID` (oldest first), or the newest `limit` when neither is given.
    public func page(
        sessionID: Int64, before beforeID: Int64?, after afterID: Int64?, limit: Int
    ) async throws
        -> [ChatMessage]
    {
        if let afterID {
            return try await db.raw(
                """
                SELECT \(unsafeRaw: ChatMessage.columns) FROM chat_messages
                WHERE chat_session_id = \(bind: sessionID) AND id > \(bind: afterID)
                ORDER BY id LIMIT \(bind: limit)
                """
            ).all().map(ChatMessage.init(row:))
        }
        let upper = beforeID ?? Int64.max
        return try await db.raw(
            """
            SELECT \(unsafeRaw: ChatMessage.columns) FROM chat_messages
            WHERE chat_session_id = \(bind: sessionID) AND id < \(bind: upper)
            ORDER BY id DESC LIMIT \(bind: limit)
            """
        ).all().map(ChatMessage.init(row:)).reversed()
    }

    /// Inserts messages sent at one moment in one statement and returns them in the order given,
    /// with ids ascending in that order.
    func insert(_ messages: [NewChatMessage], sentAt: Date) async throws -> [ChatMessage] {
        guard !messages.isEmpty else { return [] }
        let stamp = sentAt.epochMilliseconds
        var values = SQLQueryString("")
        for (position, message) in messages.enumerated() {
            if position > 0 { values = values + ", " }
            values =
                values
                + "(\(bind: message.sessionID), \(bind: message.senderID), \(bind: message.senderRole.rawValue), "
                + "\(bind: message.body), \(bind: stamp), \(bind: message.clientMessageID), "
                + "\(bind: MessageFlag.stored(message.flags)), \(bind: message.originalBody))"
        }
        // One statement numbers its rows in VALUES order on both engines, so ids sort like the input.
        let inserted = try await db.raw(
            """
            INSERT INTO chat_messages (
                chat_session_id, sender_id, sender_role, body, created_at, client_message_id, flags, original_body)
            VALUES \(values) RETURNING \(unsafeRaw: ChatMessage.columns)
            """
        ).all().map(ChatMessage.init(row:)).sorted { $0.id < $1.id }
        guard inserted.count == messages.count else {
            throw DatabaseUnavailable(
                description: "INSERT … RETURNING gave \(inserted.count) of \(messages.count) rows")
        }
        return inserted
    }

    /// Marks read the unread messages `reader` received in one session, up to a message id when
    /// given, and returns the ids it changed.
    func markRead(
        sessionID: Int64, reader: ParticipantRole, upTo maxID: Int64?, at now: Date
    ) async throws
        -> [Int64]
    {
        let limit = maxID ?? Int64.max
        return try await db.raw(
            """
            UPDATE chat_messages SET read_at = \(bind: now.epochMilliseconds)
            WHERE chat_session_id = \(bind: sessionID) AND sender_role = \(bind: reader.counterpart.rawValue)
                AND read_at IS NULL AND id <= \(bind: limit)
            RETURNING id
            """
        ).all().map { try $0.int64("id") }
    }

    /// Marks the given unread messages of one session read and returns, for each one changed, the
    /// side that received it.
    func markRead(sessionID: Int64, messageIDs: [Int64], at now: Date) async throws -> [ParticipantRole] {
        try await db.raw(
            """
            UPDATE chat_messages SET read_at = \(bind: now.epochMilliseconds)
            WHERE chat_session_id = \(bind: sessionID) AND id IN (\(binds: messageIDs)) AND read_at IS NULL
            RETURNING sender_role
            """
        ).all().compactMap { ParticipantRole(rawValue: try $0.string("sender_role"))?.counterpart }
    }

    /// Marks every unread message of the given sessions read; returns how many changed per session.
    func markAllRead(sessionIDs: [Int64], at now: Date) async throws -> [Int64: Int64] {
        guard !sessionIDs.isEmpty else { return [:] }
        let rows = try await db.raw(
            """
            UPDATE chat_messages SET read_at = \(bind: now.epochMilliseconds)
            WHERE chat_session_id IN (\(binds: sessionIDs)) AND read_at IS NULL
            RETURNING chat_session_id
            """
        ).all()
        var counts: [Int64: Int64] = [:]
        for row in rows { counts[try row.int64("chat_session_id"), default: 0] += 1 }
        return counts
    }

    func delete(id: Int64) async throws {
        try await db.raw("DELETE FROM chat_messages WHERE id = \(bind: id)").run()
    }
}
