import SQLKit

/// Carries ``ChatEvent``s from the service that made a change to whoever listens: live pages,
/// WebSocket connections, caches, notifications.
///
/// Every change logs its events in the event log inside its own transaction (see
/// ``Database/write(publishingTo:at:_:)``); the bus is told twice: just before the commit, to
/// announce the batch with it where that is how it reaches other instances (PostgreSQL's NOTIFY
/// goes out exactly when the transaction commits), and after the commit, to deliver it in this
/// process. ``InProcessEventBus`` serves one instance; ``PostgresEventBus`` several on one
/// PostgreSQL database. Another broker (Valkey, say) fits the same three calls.
public protocol ChatEventBus: Sendable {
    /// This process's name in the event log, so that it can tell its own events from others'.
    var origin: String { get }

    /// Called inside the transaction that logged `batch`, before it commits.
    func committing(_ batch: EventBatch, on db: any SQLDatabase) async throws

    /// Called once the transaction committed: delivers the events to this process's subscribers.
    func publish(_ events: [ChatEvent]) async

    /// A stream of the events published from now on: every instance's, or other instances' only.
    /// A subscriber that falls more than `bufferSize` events behind loses the oldest ones rather
    /// than slowing the publisher.
    func subscribe(bufferSize: Int, from origins: EventOrigins) -> AsyncStream<ChatEvent>
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

    public func subscribe(bufferSize: Int = 1024) -> AsyncStream<ChatEvent> {
        subscribe(bufferSize: bufferSize, from: .everyInstance)
    }
}
