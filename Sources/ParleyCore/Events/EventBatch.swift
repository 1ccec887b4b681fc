import Foundation

/// The events of one transaction, logged at consecutive positions and not yet committed: what a
/// bus sees before the commit, to announce them with it.
public struct EventBatch: Sendable {
    public let origin: String
    public let firstPosition: Int64
    public let events: [ChatEvent]
    /// Each event's JSON, as the log stores it.
    public let payloads: [String]
    public let createdAt: Date

    public var lastPosition: Int64 { firstPosition + Int64(events.count) - 1 }
}
