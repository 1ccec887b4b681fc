import Foundation

/// An event at its place in the durable event log.
public struct LoggedEvent: Sendable, Equatable {
    /// Gapless and in commit order across every instance.
    public let position: Int64
    /// The instance that made the change (``ChatEventBus/origin``).
    public let origin: String
    public let event: ChatEvent
    /// When the change was committed (to the millisecond).
    public var createdAt: Date = Date(epochMilliseconds: 0)
}
