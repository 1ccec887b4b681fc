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

    /// The messages already sent under any of the given (sender, client message id) pairs (index
    /// chat_messages_client_message_key).
    func find(sentUnder keys: some Collection<ClientMessageKey>, engine: DatabaseEngine) async throws -> [ChatMessage] {
        guard !keys.isEmpty else { return [] }
        let pairs = engine.dialect.rows(
            [.int64("sender_id", keys.map(\.senderID)), .text("client_message_id", keys.map(\.clientMessageID))],
            as: "k")
        return try await db.raw(
            """
            SELECT \(unsafeRaw: ChatMessage.columnsOfM) FROM \(pairs)
            JOIN chat_messages m ON m.sender_id = k.sender_id AND m.client_message_id = k.client_message_id
            """
        ).all().map(ChatMessage.init(row:))
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

    /// A statement that inserts messages whose ids were reserved beforehand
    /// (``SQLDialect/reservingIDs(of:count:)``), to be sent with others.
    /// With a `condition` (true or false for the whole statement), it inserts only when that holds.
    static func inserting(
        _ messages: [ChatMessage], engine: DatabaseEngine, when condition: SQLQueryString? = nil
    ) -> SQLQueryString {
        let rows = engine.dialect.rows(
            [
                .int64("id", messages.map(\.id)),
                .int64("session_id", messages.map(\.sessionID)),
                .int64("sender_id", messages.map(\.senderID)),
                .text("sender_role", messages.map(\.senderRole.rawValue)),
                .text("body", messages.map(\.body)),
                .int64("created_at", messages.map(\.createdAt.epochMilliseconds)),
                .optionalText("client_message_id", messages.map(\.clientMessageID)),
                .text("flags", messages.map { MessageFlag.stored($0.flags) }),
                .optionalText("original_body", messages.map(\.originalBody)),
            ], as: "m")
        let statement: SQLQueryString = """
            INSERT INTO chat_messages (
                id, chat_session_id, sender_id, sender_role, body, created_at, client_message_id, flags, original_body)
            SELECT m.id, m.session_id, m.sender_id, m.sender_role, m.body, m.created_at, m.client_message_id, m.flags,
                m.original_body
            FROM \(rows)
            """
        guard let condition else { return statement }
        return statement + " WHERE " + condition
    }

    /// Inserts messages sent at one moment in one statement and returns them in the order given,
    /// with ids ascending in that order. Only the ids come back: the rest is what was written.
    func insert(_ messages: [NewChatMessage], sentAt: Date, engine: DatabaseEngine) async throws -> [ChatMessage] {
        guard !messages.isEmpty else { return [] }
        let stamp = sentAt.epochMilliseconds
        let rows = engine.dialect.rows(
            [
                .int64("session_id", messages.map(\.sessionID)),
                .int64("sender_id", messages.map(\.senderID)),
                .text("sender_role", messages.map(\.senderRole.rawValue)),
                .text("body", messages.map(\.body)),
                .optionalText("client_message_id", messages.map(\.clientMessageID)),
                .text("flags", messages.map { MessageFlag.stored($0.flags) }),
                .optionalText("original_body", messages.map(\.originalBody)),
            ], as: "m")
        // One statement numbers its rows in the order it inserts them on both engines, so ids sort
        // like the input.
        let ids = try await db.raw(
            """
            INSERT INTO chat_messages (
                chat_session_id, sender_id, sender_role, body, created_at, client_message_id, flags, original_body)
            SELECT m.session_id, m.sender_id, m.sender_role, m.body, \(bind: stamp), m.client_message_id, m.flags,
                m.original_body
            FROM \(rows) ORDER BY m.ord
            RETURNING id
            """
        ).all().map { try $0.int64("id") }.sorted()
        guard ids.count == messages.count else {
            throw DatabaseUnavailable(description: "INSERT … RETURNING gave \(ids.count) of \(messages.count) rows")
        }
        let createdAt = Date(epochMilliseconds: stamp)
        return zip(ids, messages).map { id, message in
            ChatMessage(
                id: id, sessionID: message.sessionID, senderID: message.senderID, senderRole: message.senderRole,
                body: message.body, readAt: nil, createdAt: createdAt, clientMessageID: message.clientMessageID,
                flags: message.flags, originalBody: message.originalBody)
        }
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
