import Foundation
import SQLKit

/// One message in a conversation, unread until its recipient reads it.
public struct ChatMessage: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var sessionID: Int64
    public var senderID: Int64
    public var senderRole: ParticipantRole
    public var body: String
    public var readAt: Date?
    public var createdAt: Date
    /// The sender's own id for the message, when their client gave one.
    public var clientMessageID: String?
    /// What the message was flagged for; empty for most.
    public var flags: [MessageFlag]
    /// The text as written, kept only when its contact details were hidden from the participants
    /// (``ContactDetailPolicy/hide``); for administrators, never for the participants.
    public var originalBody: String?

    public var isRead: Bool { readAt != nil }

    public init(
        id: Int64, sessionID: Int64, senderID: Int64, senderRole: ParticipantRole, body: String, readAt: Date?,
        createdAt: Date, clientMessageID: String?, flags: [MessageFlag] = [], originalBody: String? = nil
    ) {
        self.id = id
        self.sessionID = sessionID
        self.senderID = senderID
        self.senderRole = senderRole
        self.body = body
        self.readAt = readAt
        self.createdAt = createdAt
        self.clientMessageID = clientMessageID
        self.flags = flags
        self.originalBody = originalBody
    }

    /// The text as its sender wrote it: what administrators read.
    public var writtenBody: String { originalBody ?? body }

    static let columns =
        "id, chat_session_id, sender_id, sender_role, body, read_at, created_at, client_message_id, flags, "
        + "original_body"
    /// ``columns`` of a table named `m`.
    static let columnsOfM = columns.split(separator: ", ").map { "m." + $0 }.joined(separator: ", ")

    init(row: any SQLRow) throws {
        id = try row.int64("id")
        sessionID = try row.int64("chat_session_id")
        senderID = try row.int64("sender_id")
        let roleName = try row.string("sender_role")
        guard let role = ParticipantRole(rawValue: roleName) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "unknown sender role \(roleName)"))
        }
        senderRole = role
        body = try row.string("body")
        readAt = try row.optionalDate("read_at")
        createdAt = try row.date("created_at")
        clientMessageID = try row.decode(column: "client_message_id", as: String?.self)
        flags = MessageFlag.parse(try row.decode(column: "flags", as: String.self))
        originalBody = try row.decode(column: "original_body", as: String?.self)
    }
}
