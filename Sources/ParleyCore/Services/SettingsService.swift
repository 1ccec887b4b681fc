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
        try await apply(SettingsChange(chatEnabled: enabled))
    }

    public func isEmailRemindersEnabled() async throws -> Bool {
        try await database.read { db in try await SettingsRepository(db).isEmailRemindersEnabled() }
    }

    /// Turns unread reminders by email on or off for everyone.
    public func setEmailRemindersEnabled(_ enabled: Bool) async throws {
        try await apply(SettingsChange(emailRemindersEnabled: enabled))
    }

    public func contactDetailPolicy() async throws -> ContactDetailPolicy {
        try await database.read { db in try await SettingsRepository(db).contactDetailPolicy() }
    }

    /// Chooses what happens to messages with contact details from now on.
    public func setContactDetailPolicy(_ policy: ContactDetailPolicy) async throws {
        try await apply(SettingsChange(contactDetails: policy))
    }

    /// Saves the given settings in one transaction, with one audit entry saying what changed.
    ///
    /// The chat switch is published (`chat.availability_changed`), so open connections on every
    /// instance follow it. The other two need no event: the reminder scheduler reads its switch
    /// when it decides, and each batch of sends reads the contact-detail choice in its own
    /// transaction, on whichever instance.
    public func apply(_ change: SettingsChange) async throws {
        let now = clock()
        try await database.write(publishingTo: events, at: now) { db in
            let settings = SettingsRepository(db)
            var changes: [(label: String, old: String, new: String)] = []
            var events: [ChatEvent] = []
            if let enabled = change.chatEnabled {
                let before = try await settings.isChatEnabled()
                try await settings.setValue(enabled ? "true" : "false", for: SettingsRepository.chatEnabledKey, at: now)
                changes.append((label: "chat", old: AuditSummary.onOff(before), new: AuditSummary.onOff(enabled)))
                events.append(.chatAvailabilityChanged(enabled: enabled))
            }
            if let enabled = change.emailRemindersEnabled {
                let before = try await settings.isEmailRemindersEnabled()
                try await settings.setValue(
                    enabled ? "true" : "false", for: SettingsRepository.emailRemindersEnabledKey, at: now)
                changes.append(
                    (label: "email reminders", old: AuditSummary.onOff(before), new: AuditSummary.onOff(enabled)))
            }
            if let policy = change.contactDetails {
                let before = try await settings.contactDetailPolicy()
                try await settings.setValue(policy.rawValue, for: SettingsRepository.contactDetailsKey, at: now)
                changes.append((label: "contact details", old: before.rawValue, new: policy.rawValue))
            }
            try await AuditLogRepository(db).appendAction(
                .settingsChanged, target: .settings, summary: AuditSummary.changes(changes), at: now)
            return ((), events)
        }
    }
}
