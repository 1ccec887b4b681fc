import Foundation
import NIOConcurrencyHelpers

/// Delivers events to subscribers in the same process.
public final class InProcessEventBus: ChatEventBus {
    private let subscribers = NIOLockedValueBox<[UUID: AsyncStream<ChatEvent>.Continuation]>([:])

    public init() {}

    public func publish(_ events: [ChatEvent]) async {
        let continuations = subscribers.withLockedValue { Array($0.values) }
        for event in events {
            for continuation in continuations { continuation.yield(event) }
        }
    }

    public func subscribe(bufferSize: Int) -> AsyncStream<ChatEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: ChatEvent.self, bufferingPolicy: .bufferingNewest(bufferSize))
        let id = UUID()
        subscribers.withLockedValue { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLockedValue { _ = $0.removeValue(forKey: id) }
        }
        return stream
    }

    /// How many subscribers are listening; for tests and metrics.
    public var subscriberCount: Int {
        subscribers.withLockedValue { $0.count }
    }
}
