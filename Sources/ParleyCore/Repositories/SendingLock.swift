/// What a batch of sends reads with its lock (``ChatSessionRepository/lockForSending(ids:reservingMessageIDs:)``):
/// the sessions as they are, held until the batch commits, and ids for the messages it may write.
struct SendingLock: Sendable {
    struct Session: Sendable {
        var session: ChatSession
        /// The sides that blocked the other; either one stops messages both ways.
        var blockers: Set<ParticipantRole>
    }

    var sessions: [Int64: Session]
    /// Ids for the batch's new messages, taken in order; those it does not use are left unused.
    var reservedMessageIDs: [Int64]
}
