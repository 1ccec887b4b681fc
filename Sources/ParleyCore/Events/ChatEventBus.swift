/// Carries ``ChatEvent``s from the service that made a change to whoever listens: live pages,
/// WebSocket connections, notifications.
///
/// The in-process bus serves one instance; a bus over PostgreSQL LISTEN/NOTIFY can implement the
/// same protocol for several.
public protocol ChatEventBus: Sendable {
    func publish(_ events: [ChatEvent]) async
    /// A stream of every event published from now on. A subscriber that falls more than
    /// `bufferSize` events behind loses the oldest ones rather than slowing the publisher.
    func subscribe(bufferSize: Int) -> AsyncStream<ChatEvent>
}

extension ChatEventBus {
    public func publish(_ event: ChatEvent) async {
        await publish([event])
    }

    public func subscribe() -> AsyncStream<ChatEvent> {
        subscribe(bufferSize: 1024)
    }
}
