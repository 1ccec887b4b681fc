import Foundation

/// System settings that administrators change.
public struct SettingsService: Sendable {
    let database: Database
    let clock: @Sendable () -> Date

    public init(database: Database, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
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
    }
}
