import Foundation

/// Events read back from the log and the bus through ``LogJSON`` rather than `JSONDecoder`, with the
/// same result (a test checks every kind against the Codable form).
extension ChatEvent {
    /// The event a log payload or an announced event holds. A payload the hand-written reader does
    /// not take (one written by another version, say) goes to `JSONDecoder`, which throws if it
    /// cannot read it either.
    public static func decode(logPayload payload: String) throws -> ChatEvent {
        if let json = LogJSON.parse(payload), let event = ChatEvent(logJSON: json) { return event }
        return try JSONDecoder().decode(ChatEvent.self, from: Data(payload.utf8))
    }

    init?(logJSON json: LogJSON) {
        guard let type = json["type"]?.string else { return nil }
        func storedSession(_ key: String = "session") -> ChatSession? { json[key].flatMap(ChatSession.init(logJSON:)) }
        switch type {
        case "message.created":
            guard let message = json["message"].flatMap(ChatMessage.init(logJSON:)), let session = storedSession()
            else {
                return nil
            }
            self = .messageCreated(message, session: session)
        case "messages.read":
            guard let session = storedSession(), let count = json["count"]?.integer,
                let readerID = (json["reader_id"] ?? .null).optionalInteger,
                let upTo = (json["up_to_message_id"] ?? .null).optionalInteger
            else { return nil }
            self = .messagesRead(session: session, readerID: readerID, count: count, upToMessageID: upTo)
        case "message.deleted":
            guard let id = json["message_id"]?.integer, let session = storedSession() else { return nil }
            self = .messageDeleted(messageID: id, session: session)
        case "session.created":
            guard let session = storedSession() else { return nil }
            self = .sessionCreated(session)
        case "session.updated":
            guard let session = storedSession(), let previous = storedSession("previous") else { return nil }
            self = .sessionUpdated(session, previous: previous)
        case "session.deleted":
            guard let session = storedSession() else { return nil }
            self = .sessionDeleted(session)
        case "chat.availability_changed":
            guard let enabled = json["enabled"]?.bool else { return nil }
            self = .chatAvailabilityChanged(enabled: enabled)
        case "user.access_changed":
            guard let userID = json["user_id"]?.integer else { return nil }
            self = .accessChanged(userID: userID)
        case "user.banned":
            guard let userID = json["user_id"]?.integer else { return nil }
            self = .userBanned(userID: userID)
        case "moderation.queue_changed":
            self = .moderationQueueChanged
        default:
            return nil
        }
    }
}
