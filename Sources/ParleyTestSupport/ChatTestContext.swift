import Foundation
import NIOConcurrencyHelpers
import ParleyCore

/// What a chat test needs: a fresh database, the real event bus and service, and fixtures. The bus
/// is the database's own kind (``Database/makeEventBus(logger:)``): on PostgreSQL, every change
/// NOTIFYs as in production; an application built over it runs its listener.
public struct ChatTestContext: Sendable {
    public let database: Database
    public let events: any ChatEventBus
    public let chat: ChatService
    public let fixtures: Fixtures

    /// Runs `body` against a fresh database; see ``TestDatabase``.
    public static func run<T>(_ body: (ChatTestContext) async throws -> T) async throws -> T {
        try await TestDatabase.withFresh { database in
            let events = database.makeEventBus()
            let context = ChatTestContext(
                database: database, events: events, chat: ChatService(database: database, events: events),
                fixtures: Fixtures(database: database))
            return try await body(context)
        }
    }

    /// Starts recording every event published from now on.
    public func recordEvents() -> EventRecorder {
        EventRecorder(stream: events.subscribe())
    }
}

/// Collects events from a subscription in the background.
public final class EventRecorder: Sendable {
    private let received = NIOLockedValueBox<[ChatEvent]>([])
    private let task: Task<Void, Never>

    public init(stream: AsyncStream<ChatEvent>) {
        let received = self.received
        task = Task {
            for await event in stream { received.withLockedValue { $0.append(event) } }
        }
    }

    deinit { task.cancel() }

    /// The events received so far, after waiting until at least `count` arrived (or one second).
    public func events(atLeast count: Int = 0) async -> [ChatEvent] {
        let deadline = ContinuousClock.now + .seconds(1)
        while received.withLockedValue({ $0.count }) < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        // Give stragglers a moment so tests that expect none would see an unexpected one.
        try? await Task.sleep(for: .milliseconds(20))
        return received.withLockedValue { $0 }
    }
}
