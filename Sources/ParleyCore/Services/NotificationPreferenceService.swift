import Foundation
import SQLKit

/// What a user chose about reminders: the conversations they muted and whether they want unread
/// reminders by email at all. Who may mute a conversation follows ``ChatAccess``, as writing in it does.
public struct NotificationPreferenceService: Sendable {
    let database: Database
    let clock: @Sendable () -> Date

    public init(database: Database, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.clock = clock
    }

    // MARK: Muting

    /// Mutes or unmutes a conversation for `user`, who must take part in it; doing it twice is the
    /// same as once.
    ///
    /// - Throws: ``ChatError/sessionNotFound(id:)`` for anyone else's session too, so ids reveal
    ///   nothing; ``ChatError/notParticipant(userID:sessionID:)`` for one the user reads without
    ///   taking part in (an administrator).
    public func setMuted(_ muted: Bool, sessionID: Int64, by user: User) async throws {
        let now = clock()
        try await database.write { db in
            // Locked, so that the session cannot be deleted between this check and the mute's insert.
            guard
                let session = try await ChatSessionRepository(db, engine: database.engine).findForUpdate(id: sessionID),
                ChatAccess.canRead(session, user)
            else { throw ChatError.sessionNotFound(id: sessionID) }
            guard session.role(of: user.id) != nil else {
                throw ChatError.notParticipant(userID: user.id, sessionID: sessionID)
            }
            let mutes = ChatSessionMuteRepository(db)
            if muted {
                try await mutes.mute(sessionID: sessionID, userID: user.id, at: now)
            } else {
                try await mutes.unmute(sessionID: sessionID, userID: user.id)
            }
        }
    }

    public func isMuted(sessionID: Int64, by user: User) async throws -> Bool {
        try await database.read { db in
            try await ChatSessionMuteRepository(db).isMuted(sessionID: sessionID, by: user.id)
        }
    }

    // MARK: Email reminders

    public func preferences(of user: User) async throws -> NotificationPreferences {
        guard
            let preferences = try await database.read({ db in
                try await NotificationPreferencesRepository(db).preferences(userID: user.id)
            })
        else { throw UserError.userNotFound(id: user.id) }
        return preferences
    }

    /// Changes what is given and leaves the rest; answers the preferences as they now stand.
    public func update(emailReminders: Bool?, for user: User) async throws -> NotificationPreferences {
        guard let emailReminders else { return try await preferences(of: user) }
        guard
            let preferences = try await database.write({ db in
                try await NotificationPreferencesRepository(db).setEmailReminders(emailReminders, userID: user.id)
            })
        else { throw UserError.userNotFound(id: user.id) }
        return preferences
    }
}
