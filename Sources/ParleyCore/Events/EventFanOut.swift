import Foundation
import NIOConcurrencyHelpers

/// Hands events to every subscriber in this process, each through a buffer of its own. A
/// subscriber's filter runs here, on the publisher's thread, so an event it does not want never
/// wakes its task: most subscribers (caches, counters) want few of the events a busy chat makes.
final class EventFanOut: Sendable {
    private struct Subscriber {
        let continuation: AsyncStream<ChatEvent>.Continuation
        let wants: @Sendable (ChatEvent) -> Bool
    }

    private let subscribers = NIOLockedValueBox<[UUID: Subscriber]>([:])

    func yield(_ events: [ChatEvent]) {
        let subscribers = subscribers.withLockedValue { Array($0.values) }
        for event in events {
            for subscriber in subscribers where subscriber.wants(event) { subscriber.continuation.yield(event) }
        }
    }

    func subscribe(
        bufferSize: Int, matching wants: @escaping @Sendable (ChatEvent) -> Bool = { _ in true }
    ) -> AsyncStream<ChatEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: ChatEvent.self, bufferingPolicy: .bufferingNewest(bufferSize))
        let id = UUID()
        subscribers.withLockedValue { $0[id] = Subscriber(continuation: continuation, wants: wants) }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLockedValue { _ = $0.removeValue(forKey: id) }
        }
        return stream
    }

    var subscriberCount: Int {
        subscribers.withLockedValue { $0.count }
    }
}
