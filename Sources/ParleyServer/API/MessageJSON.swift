import ParleyCore

/// A message as API JSON, written by hand.
///
/// Every send writes its message twice, as the answer and as the live event, and at thousands
/// of sends a second JSONEncoder was one of the larger costs. This writes exactly what
/// `APIJSON.encoder()` writes for ``APIModel/Message`` (sorted keys, absent optionals left out),
/// which a test checks against the encoder.
enum MessageJSON {
    static func encode(_ message: ChatMessage) -> String {
        var json = #"{"body":"#
        json.reserveCapacity(message.body.utf8.count + 200)
        JSONString.append(message.body, to: &json, matchingJSONEncoder: true)
        json += #","chat_session_id":\#(message.sessionID)"#
        if let clientMessageID = message.clientMessageID {
            json += #","client_message_id":"#
            JSONString.append(clientMessageID, to: &json, matchingJSONEncoder: true)
        }
        json += #","created_at":"\#(APIJSON.timestamp(message.createdAt))","flags":["#
        for (position, flag) in message.flags.enumerated() {
            json += position == 0 ? #"""# : #",""#
            json += flag.rawValue + #"""#
        }
        json += #"],"id":\#(message.id)"#
        if let readAt = message.readAt {
            json += #","read_at":"\#(APIJSON.timestamp(readAt))""#
        }
        json += #","sender_id":\#(message.senderID),"sender_role":"\#(message.senderRole.rawValue)"}"#
        return json
    }

    /// The realtime event for a new message.
    static func createdEvent(_ message: ChatMessage) -> String {
        #"{"data":"# + encode(message) + #","type":"message.created"}"#
    }
}
