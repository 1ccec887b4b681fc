import NIOConcurrencyHelpers
import ParleyCore

/// The "Enable Chat in Mobile App" switch as every API request checks it: read from the database
/// at most once a second rather than on each request, and updated at once when an administrator
/// changes it in this process. Other instances see a change within the second.
final class ChatSwitch: Sendable {
    static let maximumAge = Duration.seconds(1)

    private let settings: SettingsService
    private let cached = NIOLockedValueBox<(enabled: Bool, readAt: ContinuousClock.Instant)?>(nil)

    init(settings: SettingsService) {
        self.settings = settings
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

    /// Saves the switch (publishing the change) and remembers the new position.
    func set(_ enabled: Bool) async throws {
        try await settings.setChatEnabled(enabled)
        cached.withLockedValue { $0 = (enabled, ContinuousClock.now) }
    }
}
