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
        appendString(message.body, to: &json)
        json += #","chat_session_id":\#(message.sessionID)"#
        if let clientMessageID = message.clientMessageID {
            json += #","client_message_id":"#
            appendString(clientMessageID, to: &json)
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

    /// A JSON string literal: quotes, backslashes and control characters escaped, the rest as is.
    static func appendString(_ text: String, to json: inout String) {
        // Most text needs no escape: one scan of its bytes, one copy.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            json += "\""
            json += text
            json += "\""
            return
        }
        json.append("\"")
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": scalars.append(contentsOf: #"\""#.unicodeScalars)
            case "\\": scalars.append(contentsOf: #"\\"#.unicodeScalars)
            case "\n": scalars.append(contentsOf: #"\n"#.unicodeScalars)
            case "\r": scalars.append(contentsOf: #"\r"#.unicodeScalars)
            case "\t": scalars.append(contentsOf: #"\t"#.unicodeScalars)
            case "\u{08}": scalars.append(contentsOf: #"\b"#.unicodeScalars)
            case "\u{0C}": scalars.append(contentsOf: #"\f"#.unicodeScalars)
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                scalars.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
            default: scalars.append(scalar)
            }
        }
        json.append(String(scalars))
        json.append("\"")
    }
}
