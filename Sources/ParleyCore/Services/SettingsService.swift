import Foundation

/// System settings that administrators change.
public struct SettingsService: Sendable {
    let database: Database
    let events: (any ChatEventBus)?
    let clock: @Sendable () -> Date

    /// With `events`, a change of the chat switch is published so open connections can react.
    public init(
        database: Database, events: (any ChatEventBus)? = nil, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.events = events
        self.clock = clock
    }

    public func isChatEnabled() async throws -> Bool {
        try await database.read { db in try await SettingsRepository(db).isChatEnabled() }
    }

    /// Turns chat in the mobile app on or off.
    public func setChatEnabled(_ enabled: Bool) async throws {
        let now = clock()
        try await database.write { db in
            try await SettingsRepository(db).setValue(
                enabled ? "true" : "false", for: SettingsRepository.chatEnabledKey, at: now)
        }
        await events?.publish(.chatAvailabilityChanged(enabled: enabled))
    }
}
