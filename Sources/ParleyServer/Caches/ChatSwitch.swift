import NIOConcurrencyHelpers
import ParleyCore
import ServiceLifecycle

/// The "Enable Chat in Mobile App" switch as every API request checks it: read from the database
/// at most once a second rather than on each request.
///
/// As a service it follows the event bus, so a change made on any instance applies here as soon
/// as its event arrives; the one-second age bounds what could be missed while the bus is away.
final class ChatSwitch: Service, Sendable {
    static let maximumAge = Duration.seconds(1)

    private let settings: SettingsService
    private let events: any ChatEventBus
    private let cached = NIOLockedValueBox<(enabled: Bool, readAt: ContinuousClock.Instant)?>(nil)

    init(settings: SettingsService, events: any ChatEventBus) {
        self.settings = settings
        self.events = events
    }

    func isEnabled() async throws -> Bool {
        let now = ContinuousClock.now
        if let cached = cached.withLockedValue({ $0 }), now - cached.readAt < Self.maximumAge {
            return cached.enabled
        }
        let enabled = try await settings.isChatEnabled()
        cached.withLockedValue { $0 = (enabled, now) }
        return enabled
    }

    /// Remembers a position this instance has just saved, before its event comes back.
    func remember(_ enabled: Bool) {
        cached.withLockedValue { $0 = (enabled, ContinuousClock.now) }
    }

    func run() async throws {
        let changes = events.subscribe(bufferSize: 64) { event in
            if case .chatAvailabilityChanged = event { true } else { false }
        }
        await cancelWhenGracefulShutdown {
            for await event in changes {
                if case .chatAvailabilityChanged(let enabled) = event {
                    self.cached.withLockedValue { $0 = (enabled, ContinuousClock.now) }
                }
            }
        }
    }
}
