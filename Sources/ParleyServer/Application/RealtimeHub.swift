import Foundation
import Logging
import NIOConcurrencyHelpers
import ParleyCore
import ServiceLifecycle

/// Routes chat events to the open realtime connections of the users they concern.
///
/// Each connection has a bounded queue. A client that stops reading until its queue is full is
/// disconnected rather than allowed to hold anything up: delivery to everyone else goes on.
final class RealtimeHub: Service, Sendable {
    enum Frame: Sendable, Equatable {
        case text(String)
        case close(reason: String)
    }

    /// Frames a connection may have waiting before it counts as too slow.
    static let queueLimit = 512

    private struct Connection {
        let userID: Int64
        let continuation: AsyncStream<Frame>.Continuation
    }

    /// Connections by user, so an event reaches its two participants without a scan of everyone.
    private struct Registry {
        var byUser: [Int64: [UUID: AsyncStream<Frame>.Continuation]] = [:]
        var count = 0
    }

    private let events: any ChatEventBus
    private let logger: Logger
    private let registry = NIOLockedValueBox(Registry())

    init(events: any ChatEventBus, logger: Logger) {
        self.events = events
        self.logger = logger
    }

    /// Registers a connection; its frames end when it is dropped or the hub stops.
    func connect(userID: Int64) -> (id: UUID, frames: AsyncStream<Frame>) {
        let (stream, continuation) = AsyncStream.makeStream(
            of: Frame.self, bufferingPolicy: .bufferingOldest(Self.queueLimit))
        let id = UUID()
        registry.withLockedValue { registry in
            registry.byUser[userID, default: [:]][id] = continuation
            registry.count += 1
        }
        return (id, stream)
    }

    func disconnect(_ id: UUID, userID: Int64) {
        let continuation = registry.withLockedValue { registry -> AsyncStream<Frame>.Continuation? in
            guard let removed = registry.byUser[userID]?.removeValue(forKey: id) else { return nil }
            if registry.byUser[userID]?.isEmpty == true { registry.byUser[userID] = nil }
            registry.count -= 1
            return removed
        }
        continuation?.finish()
    }

    var connectionCount: Int { registry.withLockedValue { $0.count } }

    func run() async throws {
        let stream = events.subscribe(bufferSize: 65_536)
        // The bus never ends its stream, so graceful shutdown cancels the loop.
        try? await cancelWhenGracefulShutdown {
            for await event in stream { self.deliver(event) }
        }
        closeAll(reason: "server_shutting_down")
    }

    func deliver(_ event: ChatEvent) {
        if case .chatAvailabilityChanged(let enabled) = event {
            if !enabled { closeAll(reason: "chat_disabled") }
            return
        }
        guard let json = RealtimeEvent.json(for: event) else { return }
        let recipients = registry.withLockedValue { registry in
            event.audience.flatMap { userID in
                (registry.byUser[userID] ?? [:]).map { ($0.key, Connection(userID: userID, continuation: $0.value)) }
            }
        }
        for (id, connection) in recipients {
            if case .dropped = connection.continuation.yield(.text(json)) {
                logger.notice(
                    "Dropping a realtime connection that stopped reading", metadata: ["user": "\(connection.userID)"])
                disconnect(id, userID: connection.userID)
            }
        }
    }

    func closeAll(reason: String) {
        let all = registry.withLockedValue { registry in
            defer { registry = Registry() }
            return registry.byUser.values.flatMap(\.values)
        }
        for continuation in all {
            continuation.yield(.close(reason: reason))
            continuation.finish()
        }
    }
}
