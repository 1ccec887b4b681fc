/// An event as the event log and the PostgreSQL bus carry it: a `type` and the event's fields,
/// the sessions and messages in their own stored form.
extension ChatEvent: Codable {
    enum CodingKeys: String, CodingKey {
        case type, message, session, previous, readerID = "reader_id", count, upToMessageID = "up_to_message_id"
        case messageID = "message_id", enabled, userID = "user_id"
    }

    /// The event's name in the log.
    public var type: String {
        switch self {
        case .messageCreated: "message.created"
        case .messagesRead: "messages.read"
        case .messageDeleted: "message.deleted"
        case .sessionCreated: "session.created"
        case .sessionUpdated: "session.updated"
        case .sessionDeleted: "session.deleted"
        case .chatAvailabilityChanged: "chat.availability_changed"
        case .accessChanged: "user.access_changed"
        case .userBanned: "user.banned"
        case .moderationQueueChanged: "moderation.queue_changed"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        func session(_ key: CodingKeys = .session) throws -> ChatSession {
            try container.decode(ChatSession.self, forKey: key)
        }
        switch type {
        case "message.created":
            self = .messageCreated(try container.decode(ChatMessage.self, forKey: .message), session: try session())
        case "messages.read":
            self = .messagesRead(
                session: try session(), readerID: try container.decodeIfPresent(Int64.self, forKey: .readerID),
                count: try container.decode(Int64.self, forKey: .count),
                upToMessageID: try container.decodeIfPresent(Int64.self, forKey: .upToMessageID))
        case "message.deleted":
            self = .messageDeleted(
                messageID: try container.decode(Int64.self, forKey: .messageID), session: try session())
        case "session.created": self = .sessionCreated(try session())
        case "session.updated": self = .sessionUpdated(try session(), previous: try session(.previous))
        case "session.deleted": self = .sessionDeleted(try session())
        case "chat.availability_changed":
            self = .chatAvailabilityChanged(enabled: try container.decode(Bool.self, forKey: .enabled))
        case "user.access_changed": self = .accessChanged(userID: try container.decode(Int64.self, forKey: .userID))
        case "user.banned": self = .userBanned(userID: try container.decode(Int64.self, forKey: .userID))
        case "moderation.queue_changed": self = .moderationQueueChanged
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown event type \(type)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        switch self {
        case .messageCreated(let message, let session):
            try container.encode(message, forKey: .message)
            try container.encode(session, forKey: .session)
        case .messagesRead(let session, let readerID, let count, let upToMessageID):
            try container.encode(session, forKey: .session)
            try container.encodeIfPresent(readerID, forKey: .readerID)
            try container.encode(count, forKey: .count)
            try container.encodeIfPresent(upToMessageID, forKey: .upToMessageID)
        case .messageDeleted(let messageID, let session):
            try container.encode(messageID, forKey: .messageID)
            try container.encode(session, forKey: .session)
        case .sessionCreated(let session), .sessionDeleted(let session):
            try container.encode(session, forKey: .session)
        case .sessionUpdated(let session, let previous):
            try container.encode(session, forKey: .session)
            try container.encode(previous, forKey: .previous)
        case .chatAvailabilityChanged(let enabled):
            try container.encode(enabled, forKey: .enabled)
        case .accessChanged(let userID), .userBanned(let userID):
            try container.encode(userID, forKey: .userID)
        case .moderationQueueChanged:
            break
        }
    }
}
