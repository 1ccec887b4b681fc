/// Why a message was marked for attention. Stored by name in `chat_messages.flags`.
public enum MessageFlag: String, Sendable, Codable, CaseIterable {
    /// The contact-detail detector found a phone number, address, link or handle in it.
    case contactDetails = "contact_details"
    /// Written by a moderator into the conversation (a warning), not by a participant.
    case system

    /// The stored form: names joined by commas, empty for none.
    static func stored(_ flags: [MessageFlag]) -> String { flags.map(\.rawValue).joined(separator: ",") }

    /// The flags of a stored value; names this version does not know are skipped.
    static func parse(_ stored: String) -> [MessageFlag] {
        stored.split(separator: ",").compactMap { MessageFlag(rawValue: String($0)) }
    }
}
