import Foundation

/// Delivers events to subscribers in the same process: the bus of a single instance, on SQLite.
/// Its events are in the event log all the same; nothing else announces them.
public final class InProcessEventBus: ChatEventBus {
    public let origin: String
    private let subscribers = EventFanOut()
    /// Subscribers to other instances' events, of which there are none: their streams stay quiet.
    private let othersSubscribers = EventFanOut()

    public init(origin: String = InProcessEventBus.newOrigin()) {
        self.origin = origin
    }

    /// A name for this process in the event log: random, so that a restarted instance is a new one.
    public static func newOrigin() -> String {
        String(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12))
    }

    public var announcementChannel: String? { nil }

    public func publish(_ events: [ChatEvent]) async {
        subscribers.yield(events)
    }

    public func subscribe(
        bufferSize: Int, from origins: EventOrigins, matching: @escaping @Sendable (ChatEvent) -> Bool
    ) -> AsyncStream<ChatEvent> {
        switch origins {
        case .everyInstance:
            return subscribers.subscribe(bufferSize: bufferSize, matching: matching)
        case .otherInstances:
            return othersSubscribers.subscribe(bufferSize: bufferSize, matching: matching)
        }
    }

    /// How many subscribers are listening; for tests and metrics.
    public var subscriberCount: Int { subscribers.subscriberCount }
}
