import Foundation

/// A message as the event log stores it: snake_case keys, times in epoch milliseconds as in the
/// tables, so an entry reads the same whichever instance or engine wrote it.
extension ChatMessage: Codable {
    enum CodingKeys: String, CodingKey {
        case id, sessionID = "chat_session_id", senderID = "sender_id", senderRole = "sender_role", body
        case readAt = "read_at", createdAt = "created_at", clientMessageID = "client_message_id", flags
        case originalBody = "original_body"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(Int64.self, forKey: .id),
            sessionID: try container.decode(Int64.self, forKey: .sessionID),
            senderID: try container.decode(Int64.self, forKey: .senderID),
            senderRole: try container.decode(ParticipantRole.self, forKey: .senderRole),
            body: try container.decode(String.self, forKey: .body),
            readAt: try container.decodeIfPresent(Int64.self, forKey: .readAt).map(Date.init(epochMilliseconds:)),
            createdAt: Date(epochMilliseconds: try container.decode(Int64.self, forKey: .createdAt)),
            clientMessageID: try container.decodeIfPresent(String.self, forKey: .clientMessageID),
            flags: try container.decodeIfPresent([MessageFlag].self, forKey: .flags) ?? [],
            originalBody: try container.decodeIfPresent(String.self, forKey: .originalBody))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(sessionID, forKey: .sessionID)
        try container.encode(senderID, forKey: .senderID)
        try container.encode(senderRole, forKey: .senderRole)
        try container.encode(body, forKey: .body)
        try container.encodeIfPresent(readAt?.epochMilliseconds, forKey: .readAt)
        try container.encode(createdAt.epochMilliseconds, forKey: .createdAt)
        try container.encodeIfPresent(clientMessageID, forKey: .clientMessageID)
        if !flags.isEmpty { try container.encode(flags, forKey: .flags) }
        try container.encodeIfPresent(originalBody, forKey: .originalBody)
    }
}
