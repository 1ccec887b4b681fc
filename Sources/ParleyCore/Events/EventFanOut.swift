import Foundation
import NIOConcurrencyHelpers

/// Hands events to every subscriber in this process, each through a buffer of its own.
final class EventFanOut: Sendable {
    private let subscribers = NIOLockedValueBox<[UUID: AsyncStream<ChatEvent>.Continuation]>([:])

    func yield(_ events: [ChatEvent]) {
        let continuations = subscribers.withLockedValue { Array($0.values) }
        for event in events {
            for continuation in continuations { continuation.yield(event) }
        }
    }

    func subscribe(bufferSize: Int) -> AsyncStream<ChatEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: ChatEvent.self, bufferingPolicy: .bufferingNewest(bufferSize))
        let id = UUID()
        subscribers.withLockedValue { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLockedValue { _ = $0.removeValue(forKey: id) }
        }
        return stream
    }

    var subscriberCount: Int {
        subscribers.withLockedValue { $0.count }
    }
}
