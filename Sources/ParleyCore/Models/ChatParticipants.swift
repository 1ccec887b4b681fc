/// The two people of a conversation: what decides who may write in it and on which side.
public struct ChatParticipants: Sendable, Equatable {
    public let customerID: Int64
    public let vendorID: Int64

    /// The side `userID` takes, or nil when they are not part of the conversation.
    public func role(of userID: Int64) -> ParticipantRole? {
        if userID == customerID { return .customer }
        if userID == vendorID { return .vendor }
        return nil
    }
}
