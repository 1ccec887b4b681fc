import Foundation

/// Events written for the log and the bus by hand rather than through `JSONEncoder`: the same
/// fields and names as `encode(to:)` (a test reads every kind back with both readers), at a
/// fraction of the cost on every send.
extension ChatEvent {
    /// The event as the log stores it.
    public var logPayload: String {
        var json = #"{"type":"#
        JSONString.append(type, to: &json)
        switch self {
        case .messageCreated(let message, let session):
            json += #","message":"#
            message.appendLogJSON(to: &json)
            Self.append("session", session, to: &json)
        case .messagesRead(let session, let readerID, let count, let upToMessageID):
            Self.append("session", session, to: &json)
            if let readerID { json += #","reader_id":\#(readerID)"# }
            json += #","count":\#(count)"#
            if let upToMessageID { json += #","up_to_message_id":\#(upToMessageID)"# }
        case .messageDeleted(let messageID, let session):
            json += #","message_id":\#(messageID)"#
            Self.append("session", session, to: &json)
        case .sessionCreated(let session), .sessionDeleted(let session):
            Self.append("session", session, to: &json)
        case .sessionUpdated(let session, let previous):
            Self.append("session", session, to: &json)
            Self.append("previous", previous, to: &json)
        case .chatAvailabilityChanged(let enabled):
            json += #","enabled":\#(enabled)"#
        case .accessChanged(let userID), .userBanned(let userID):
            json += #","user_id":\#(userID)"#
        case .moderationQueueChanged:
            break
        }
        return json + "}"
    }

    private static func append(_ key: String, _ session: ChatSession, to json: inout String) {
        json += #",""# + key + #"":"#
        session.appendLogJSON(to: &json)
    }
}
