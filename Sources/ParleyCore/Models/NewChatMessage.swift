/// A message about to be written: checked by the send path, not yet given an id or a time.
struct NewChatMessage: Sendable {
    let sessionID: Int64
    let senderID: Int64
    let senderRole: ParticipantRole
    var body: String
    let clientMessageID: String?
    var flags: [MessageFlag] = []
    /// The text as written, when `body` has parts hidden.
    var originalBody: String? = nil
}
