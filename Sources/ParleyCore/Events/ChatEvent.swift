/// Something that changed in a conversation, published after its transaction committed.
///
/// Each event carries the session as it is now, so a subscriber can route it to both participants
/// without another query.
public enum ChatEvent: Sendable, Equatable {
    case messageCreated(ChatMessage, session: ChatSession)
    /// `readerID` is nil when an administrator marked the messages read.
    case messagesRead(session: ChatSession, readerID: Int64?, count: Int64, upToMessageID: Int64?)
    case messageDeleted(messageID: Int64, session: ChatSession)
    case sessionCreated(ChatSession)
    /// `previous` tells who took part before the change, who may no longer do so.
    case sessionUpdated(ChatSession, previous: ChatSession)
    case sessionDeleted(ChatSession)
    /// An administrator turned chat in the mobile app on or off; it concerns every user.
    case chatAvailabilityChanged(enabled: Bool)
    /// A user's tokens or account changed (a token revoked, a role or password changed): whatever
    /// an instance remembers about who holds which token must be looked up again.
    case accessChanged(userID: Int64)
    /// An administrator banned the user: their sockets close on every instance, and their tokens
    /// are gone (``accessChanged(userID:)`` is implied).
    case userBanned(userID: Int64)
    /// A report arrived or a moderator decided one: the queue's open count may have moved.
    case moderationQueueChanged

    /// The session the event is about, after the change (before it, for a deletion).
    public var session: ChatSession? {
        switch self {
        case .messageCreated(_, let session), .messagesRead(let session, _, _, _),
            .messageDeleted(_, let session), .sessionCreated(let session), .sessionUpdated(let session, _),
            .sessionDeleted(let session):
            session
        case .chatAvailabilityChanged, .accessChanged, .userBanned, .moderationQueueChanged:
            nil
        }
    }

    /// The participants who should hear about the event; empty for events that concern everyone.
    public var audience: Set<Int64> {
        guard let session else { return [] }
        var ids: Set<Int64> = [session.customerID, session.vendorID]
        if case .sessionUpdated(_, let previous) = self {
            ids.insert(previous.customerID)
            ids.insert(previous.vendorID)
        }
        return ids
    }
}
