/// A due reminder an instance has leased and is about to send.
public struct ClaimedReminder: Sendable, Equatable {
    public var key: ReminderKey
    /// The newest message an earlier reminder reported; only newer ones are reported now.
    public var reportedThrough: Int64
    /// Attempts including this one.
    public var attempt: Int
}
