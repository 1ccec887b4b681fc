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

    private let events: any ChatEventBus
    private let logger: Logger
    private let connections = NIOLockedValueBox<[UUID: Connection]>([:])

    init(events: any ChatEventBus, logger: Logger) {
        self.events = events
        self.logger = logger
    }

    /// Registers a connection; its frames end when it is dropped or the hub stops.
    func connect(userID: Int64) -> (id: UUID, frames: AsyncStream<Frame>) {
        let (stream, continuation) = AsyncStream.makeStream(
            of: Frame.self, bufferingPolicy: .bufferingOldest(Self.queueLimit))
        let id = UUID()
        connections.withLockedValue { $0[id] = Connection(userID: userID, continuation: continuation) }
        return (id, stream)
    }

    func disconnect(_ id: UUID) {
        let connection = connections.withLockedValue { $0.removeValue(forKey: id) }
        connection?.continuation.finish()
    }

    var connectionCount: Int { connections.withLockedValue { $0.count } }

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
        let audience = event.audience
        let recipients = connections.withLockedValue { connections in
            connections.filter { audience.contains($0.value.userID) }
        }
        for (id, connection) in recipients {
            if case .dropped = connection.continuation.yield(.text(json)) {
                logger.notice(
                    "Dropping a realtime connection that stopped reading", metadata: ["user": "\(connection.userID)"])
                disconnect(id)
            }
        }
    }

    func closeAll(reason: String) {
        let all = connections.withLockedValue { connections in
            defer { connections = [:] }
            return Array(connections.values)
        }
        for connection in all {
            connection.continuation.yield(.close(reason: reason))
            connection.continuation.finish()
        }
    }
}
