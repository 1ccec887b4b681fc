/// Carries ``ChatEvent``s from the service that made a change to whoever listens: live pages,
/// WebSocket connections, caches, notifications.
///
/// Every change logs its events in the event log inside its own transaction (see
/// ``Database/write(publishingTo:at:_:)``), announced with the commit on the bus's PostgreSQL
/// channel when it has one; once committed, they are published to this process. ``InProcessEventBus``
/// serves one instance; ``PostgresEventBus`` several on one PostgreSQL database. Another broker
/// (Valkey, say) would have no channel and forward what `publish` gets.
public protocol ChatEventBus: Sendable {
    /// This process's name in the event log, so that it can tell its own events from others'.
    var origin: String { get }

    /// The PostgreSQL NOTIFY channel on which logging events announces them, when that is how the
    /// bus hears other instances; nil otherwise.
    var announcementChannel: String? { get }

    /// Called once the transaction committed: delivers the events to this process's subscribers.
    func publish(_ events: [ChatEvent]) async

    /// A stream of the events published from now on that `matching` accepts: every instance's, or
    /// other instances' only. `matching` runs on the publisher's thread and must return at once.
    /// A subscriber that falls more than `bufferSize` events behind loses the oldest ones rather
    /// than slowing the publisher.
    func subscribe(
        bufferSize: Int, from origins: EventOrigins, matching: @escaping @Sendable (ChatEvent) -> Bool
    ) -> AsyncStream<ChatEvent>
}

/// Whose events a subscriber hears.
public enum EventOrigins: Sendable {
    case everyInstance
    /// Events other instances made, for state this process already changed for its own.
    case otherInstances
}

extension ChatEventBus {
    public func publish(_ event: ChatEvent) async {
        await publish([event])
    }

    public func subscribe(bufferSize: Int, from origins: EventOrigins) -> AsyncStream<ChatEvent> {
        subscribe(bufferSize: bufferSize, from: origins) { _ in true }
    }

    public func subscribe(bufferSize: Int = 1024) -> AsyncStream<ChatEvent> {
        subscribe(bufferSize: bufferSize, from: .everyInstance)
    }

    /// Every instance's events that `matching` accepts.
    public func subscribe(
        bufferSize: Int = 1024, matching: @escaping @Sendable (ChatEvent) -> Bool
    ) -> AsyncStream<ChatEvent> {
        subscribe(bufferSize: bufferSize, from: .everyInstance, matching: matching)
    }
}
