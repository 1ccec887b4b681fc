/// What a batch of sends reads before it writes
/// (``ChatSessionRepository/readForSending(ids:reservingMessageIDs:locking:)``): the sessions as
/// they are, and ids for the messages the batch may write.
struct SessionsForSending: Sendable {
    struct Session: Sendable {
        var session: ChatSession
        /// The sides that blocked the other; either one stops messages both ways.
        var blockers: Set<ParticipantRole>
    }

    var sessions: [Int64: Session]
    /// Ids for the batch's new messages, taken in order; those it does not use are left unused.
    var reservedMessageIDs: [Int64]
}
