import Foundation
import SQLKit

/// A message with its sender's name, as the admin panel lists it.
public struct ConversationMessage: Sendable, Equatable {
    public var message: ChatMessage
    public var senderName: String
}

/// Reads a conversation's messages for display, with sender names joined in (one statement).
public struct ConversationReader: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// How many of the session's messages come before `messageID` in display order, i.e. the
    /// message's index from 0 (index chat_messages_session_idx).
    public func position(of messageID: Int64, sessionID: Int64) async throws -> Int {
        try await database.read { db in
            let row = try await db.raw(
                """
                SELECT COUNT(*) AS n FROM chat_messages
                WHERE chat_session_id = \(bind: sessionID) AND id < \(bind: messageID)
                """
            ).first()
            return Int(try row?.int64("n") ?? 0)
        }
    }

    /// Messages in order, `limit` of them after skipping `offset` (index chat_messages_session_idx).
    public func page(sessionID: Int64, offset: Int, limit: Int) async throws -> [ConversationMessage] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT \(unsafeRaw: ChatMessage.columnsOfM), u.name AS sender_name
                FROM chat_messages m JOIN users u ON u.id = m.sender_id
                WHERE m.chat_session_id = \(bind: sessionID)
                ORDER BY m.id LIMIT \(bind: limit) OFFSET \(bind: offset)
                """
            ).all().map { row in
                ConversationMessage(message: try ChatMessage(row: row), senderName: try row.string("sender_name"))
            }
        }
    }

    /// The newest `limit` messages, oldest first.
    public func latest(sessionID: Int64, limit: Int) async throws -> [ConversationMessage] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT \(unsafeRaw: ChatMessage.columnsOfM), u.name AS sender_name
                FROM chat_messages m JOIN users u ON u.id = m.sender_id
                WHERE m.chat_session_id = \(bind: sessionID)
                ORDER BY m.id DESC LIMIT \(bind: limit)
                """
            ).all().map { row in
                ConversationMessage(message: try ChatMessage(row: row), senderName: try row.string("sender_name"))
            }.reversed()
        }
    }
}
