import Foundation
import SQLKit

/// Reads and writes a user's notification preferences, kept in their `users` row.
public struct NotificationPreferencesRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// Nil when there is no such user.
    public func preferences(userID: Int64) async throws -> NotificationPreferences? {
        try await db.raw("SELECT email_reminders FROM users WHERE id = \(bind: userID)").first().map {
            NotificationPreferences(emailReminders: try $0.int64("email_reminders") != 0)
        }
    }

    /// Of `userIDs`, those who turned email reminders off, in one query.
    public func declineEmailReminders(among userIDs: [Int64]) async throws -> Set<Int64> {
        guard !userIDs.isEmpty else { return [] }
        let rows = try await db.raw(
            "SELECT id FROM users WHERE email_reminders = 0 AND id IN (\(binds: Array(Set(userIDs))))"
        ).all()
        return Set(try rows.map { try $0.int64("id") })
    }

    /// Nil when there is no such user. `updated_at` is the account's and stays as it is.
    func setEmailReminders(_ enabled: Bool, userID: Int64) async throws -> NotificationPreferences? {
        try await db.raw(
            """
            UPDATE users SET email_reminders = \(bind: enabled ? 1 : 0) WHERE id = \(bind: userID)
            RETURNING email_reminders
            """
        ).first().map { NotificationPreferences(emailReminders: try $0.int64("email_reminders") != 0) }
    }
}
