import Foundation

/// A message written for the log by hand, in the form `ChatMessage+Codable` writes.
extension ChatMessage {
    func appendLogJSON(to json: inout String) {
        json += #"{"id":\#(id),"chat_session_id":\#(sessionID),"sender_id":\#(senderID),"sender_role":"#
        JSONString.append(senderRole.rawValue, to: &json)
        json += #","body":"#
        JSONString.append(body, to: &json)
        if let readAt { json += #","read_at":\#(readAt.epochMilliseconds)"# }
        json += #","created_at":\#(createdAt.epochMilliseconds)"#
        if let clientMessageID {
            json += #","client_message_id":"#
            JSONString.append(clientMessageID, to: &json)
        }
        if !flags.isEmpty {
            json += #","flags":["#
            for (index, flag) in flags.enumerated() {
                if index > 0 { json += "," }
                JSONString.append(flag.rawValue, to: &json)
            }
            json += "]"
        }
        if let originalBody {
            json += #","original_body":"#
            JSONString.append(originalBody, to: &json)
        }
        json += "}"
    }
}
