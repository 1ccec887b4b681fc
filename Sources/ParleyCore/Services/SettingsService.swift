import Foundation

/// System settings that administrators change.
public struct SettingsService: Sendable {
    let database: Database
    let events: any ChatEventBus
    let clock: @Sendable () -> Date

    /// A change of the chat switch is published on `events`, so that open connections on every
    /// instance can react; without it, on a bus of the database's kind of its own
    /// (``Database/makeEventBus(logger:)``), which other instances hear and this process does not.
    public init(
        database: Database, events: (any ChatEventBus)? = nil, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.events = events ?? database.makeEventBus()
        self.clock = clock
    }

    public func isChatEnabled() async throws -> Bool {
        try await database.read { db in try await SettingsRepository(db).isChatEnabled() }
    }

    /// Turns chat in the mobile app on or off.
    public func setChatEnabled(_ enabled: Bool) async throws {
        let now = clock()
        try await database.write(publishingTo: events, at: now) { db in
            try await SettingsRepository(db).setValue(
                enabled ? "true" : "false", for: SettingsRepository.chatEnabledKey, at: now)
            return ((), [.chatAvailabilityChanged(enabled: enabled)])
        }
    }

    public func isEmailRemindersEnabled() async throws -> Bool {
        try await database.read { db in try await SettingsRepository(db).isEmailRemindersEnabled() }
    }

    /// Turns unread reminders by email on or off for everyone. No event: the reminder scheduler
    /// reads the setting when it decides, on whichever instance.
    public func setEmailRemindersEnabled(_ enabled: Bool) async throws {
        let now = clock()
        try await database.write(publishingTo: events, at: now) { db in
            try await SettingsRepository(db).setValue(
                enabled ? "true" : "false", for: SettingsRepository.emailRemindersEnabledKey, at: now)
            return ((), [])
        }
    }

    public func contactDetailPolicy() async throws -> ContactDetailPolicy {
        try await database.read { db in try await SettingsRepository(db).contactDetailPolicy() }
    }

    /// Chooses what happens to messages with contact details from now on. No event: each batch of
    /// sends reads the setting inside its own transaction, on whichever instance.
    public func setContactDetailPolicy(_ policy: ContactDetailPolicy) async throws {
        let now = clock()
        try await database.write(publishingTo: events, at: now) { db in
            try await SettingsRepository(db).setValue(
                policy.rawValue, for: SettingsRepository.contactDetailsKey, at: now)
            return ((), [])
        }
    }
}
