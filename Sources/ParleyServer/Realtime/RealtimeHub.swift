import Foundation
import Logging
import NIOConcurrencyHelpers
import ParleyCore
import ServiceLifecycle

/// One open realtime socket, as the hub sees it. Both calls may come from any thread.
protocol RealtimeConnection: AnyObject, Sendable {
    /// Sends a text frame, or drops the connection when its client has stopped reading.
    func send(_ text: String)
    /// Sends a close frame with the reason and closes the connection.
    func close(_ reason: RealtimeCloseReason)
}

/// Routes chat events to the open realtime connections of the users they concern.
final class RealtimeHub: Service, Sendable {
    /// Connections by user, so an event reaches its two participants without a scan of everyone.
    private struct Registry {
        var byUser: [Int64: [ObjectIdentifier: any RealtimeConnection]] = [:]
    }

    /// Sockets one user may hold open at once: enough for every device and a few tabs, few
    /// enough that one account cannot hold the server's file descriptors.
    static let defaultMaximumPerUser = 16

    private let events: any ChatEventBus
    private let logger: Logger
    private let maximumPerUser: Int
    private let registry = NIOLockedValueBox(Registry())

    init(events: any ChatEventBus, logger: Logger, maximumPerUser: Int = RealtimeHub.defaultMaximumPerUser) {
        self.events = events
        self.logger = logger
        self.maximumPerUser = maximumPerUser
    }

    /// Registers a connection; false when its user already holds the most sockets allowed.
    func connect(userID: Int64, _ connection: any RealtimeConnection) -> Bool {
        registry.withLockedValue { registry in
            guard registry.byUser[userID, default: [:]].count < maximumPerUser else { return false }
            registry.byUser[userID, default: [:]][ObjectIdentifier(connection)] = connection
            return true
        }
    }

    /// Open sockets of one user.
    func connectionCount(userID: Int64) -> Int {
        registry.withLockedValue { $0.byUser[userID]?.count ?? 0 }
    }

    func disconnect(userID: Int64, _ connection: any RealtimeConnection) {
        registry.withLockedValue { registry in
            registry.byUser[userID]?.removeValue(forKey: ObjectIdentifier(connection))
            if registry.byUser[userID]?.isEmpty == true { registry.byUser[userID] = nil }
        }
    }

    func run() async throws {
        let stream = events.subscribe(bufferSize: 65_536)
        // The bus never ends its stream, so graceful shutdown cancels the loop.
        await cancelWhenGracefulShutdown {
            for await event in stream { self.deliver(event) }
        }
        closeAll(.serverShuttingDown)
    }

    func deliver(_ event: ChatEvent) {
        if case .chatAvailabilityChanged(let enabled) = event {
            if !enabled { closeAll(.chatDisabled) }
            return
        }
        if case .userBanned(let userID) = event {
            close(userID: userID, .banned)
            return
        }
        guard let json = RealtimeEvent.json(for: event) else { return }
        let recipients = registry.withLockedValue { registry in
            event.audience.flatMap { userID in (registry.byUser[userID] ?? [:]).values }
        }
        for connection in recipients { connection.send(json) }
    }

    /// Closes every socket `userID` holds on this instance.
    func close(userID: Int64, _ reason: RealtimeCloseReason) {
        let theirs = registry.withLockedValue { registry in
            registry.byUser.removeValue(forKey: userID).map { Array($0.values) } ?? []
        }
        for connection in theirs { connection.close(reason) }
    }

    func closeAll(_ reason: RealtimeCloseReason) {
        let all = registry.withLockedValue { registry in
            defer { registry = Registry() }
            return registry.byUser.values.flatMap(\.values)
        }
        for connection in all { connection.close(reason) }
    }
}
