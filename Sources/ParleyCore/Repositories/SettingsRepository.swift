import Foundation
import SQLKit

/// System settings, one row per key.
public struct SettingsRepository: Sendable {
    public static let chatEnabledKey = "chat_enabled"
    public static let emailRemindersEnabledKey = "email_reminders_enabled"
    public static let contactDetailsKey = "contact_details"

    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    public func value(for key: String) async throws -> String? {
        try await db.raw("SELECT value FROM settings WHERE key = \(bind: key)").first()?.string("value")
    }

    public func setValue(_ value: String, for key: String, at now: Date) async throws {
        try await db.raw(
            """
            INSERT INTO settings (key, value, updated_at) VALUES (\(bind: key), \(bind: value),
                \(bind: now.epochMilliseconds))
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """
        ).run()
    }

    /// Whether the mobile app may use chat; on unless an administrator turned it off.
    public func isChatEnabled() async throws -> Bool {
        try await value(for: Self.chatEnabledKey) != "false"
    }

    /// Whether unread reminders go out by email at all; on unless an administrator turned them off.
    public func isEmailRemindersEnabled() async throws -> Bool {
        try await value(for: Self.emailRemindersEnabledKey) != "false"
    }

    /// What happens to messages with contact details; ``ContactDetailPolicy/allow`` until an
    /// administrator chooses otherwise.
    public func contactDetailPolicy() async throws -> ContactDetailPolicy {
        try await value(for: Self.contactDetailsKey).flatMap(ContactDetailPolicy.init(rawValue:)) ?? .allow
    }
}
