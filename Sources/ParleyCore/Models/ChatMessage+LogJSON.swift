import Foundation

/// A logged message read through ``LogJSON``: the form `ChatMessage+Codable` writes.
extension ChatMessage {
    init?(logJSON json: LogJSON) {
        guard let id = json["id"]?.integer, let sessionID = json["chat_session_id"]?.integer,
            let senderID = json["sender_id"]?.integer,
            let role = json["sender_role"]?.string.flatMap(ParticipantRole.init(rawValue:)),
            let body = json["body"]?.string, let createdAt = json["created_at"]?.integer,
            let readAt = (json["read_at"] ?? .null).optionalInteger
        else { return nil }
        var flags: [MessageFlag] = []
        if let listed = json["flags"] {
            guard let names = listed.array else { return nil }
            for name in names {
                guard let flag = name.string.flatMap(MessageFlag.init(rawValue:)) else { return nil }
                flags.append(flag)
            }
        }
        let clientMessageID = json["client_message_id"]
        let originalBody = json["original_body"]
        guard clientMessageID == nil || clientMessageID == .null || clientMessageID?.string != nil,
            originalBody == nil || originalBody == .null || originalBody?.string != nil
        else { return nil }
        self.init(
            id: id, sessionID: sessionID, senderID: senderID, senderRole: role, body: body,
            readAt: readAt.map(Date.init(epochMilliseconds:)), createdAt: Date(epochMilliseconds: createdAt),
            clientMessageID: clientMessageID?.string, flags: flags, originalBody: originalBody?.string)
    }
}
