/// What makes a send repeatable: a sender's own id for the message. A sender's sends under one
/// key create one message.
struct ClientMessageKey: Hashable, Sendable {
    let senderID: Int64
    let clientMessageID: String
}
