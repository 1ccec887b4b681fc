import Foundation
import SQLKit

/// Blocks, reports, bans and moderators' decisions: each one transaction that logs its events,
/// like ``ChatService``, whose write helpers it shares for deleting and warning.
public struct ModerationService: Sendable {
    /// The longest note a report may carry, in characters.
    public static let maximumNoteLength = 1_000
    /// Undecided reports one person may have at a time; a flood waits for moderators.
    public static let maximumOpenReports = 50
    /// The longest warning a moderator may write.
    public static let maximumWarningLength = 2_000

    let database: Database
    let events: any ChatEventBus
    let clock: @Sendable () -> Date

    public init(database: Database, events: any ChatEventBus, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.events = events
        self.clock = clock
    }

    // MARK: Participants

    /// `user` blocks the other participant of a session they take part in: from now on neither
    /// can send to the other in any conversation, until `user` unblocks. Both hear `session.updated`
    /// for the session, so open clients show the block at once.
    public func block(sessionID: Int64, by user: User) async throws {
        let now = clock()
        try await database.write(publishingTo: events, at: now) { db in
            let (session, other) = try await Self.counterpart(in: sessionID, of: user, on: db, engine: database.engine)
            try await UserBlockRepository(db).insert(blockerID: user.id, blockedID: other, at: now)
            return ((), [.sessionUpdated(session, previous: session)])
        }
    }

    public func unblock(sessionID: Int64, by user: User) async throws {
        try await database.write(publishingTo: events, at: clock()) { db in
            let (session, other) = try await Self.counterpart(in: sessionID, of: user, on: db, engine: database.engine)
            try await UserBlockRepository(db).delete(blockerID: user.id, blockedID: other)
            return ((), [.sessionUpdated(session, previous: session)])
        }
    }

    /// A participant reports the conversation, or one message of it, to the moderators.
    ///
    /// - Throws: ``ModerationError/invalidReason``, ``ModerationError/noteTooLong(limit:)``,
    ///   ``ModerationError/unknownMessage(id:)`` for a message of another session,
    ///   ``ModerationError/tooManyOpenReports(limit:)``.
    public func report(
        sessionID: Int64, by user: User, reason: String, messageID: Int64?, note: String?
    ) async throws -> ModerationCase {
        guard let reason = ModerationReason(rawValue: reason), ModerationReason.reportable.contains(reason) else {
            throw ModerationError.invalidReason
        }
        let note = try note.flatMap(Self.validatedNote)
        let now = clock()
        return try await database.write(publishingTo: events, at: now) { db in
            let (_, other) = try await Self.counterpart(in: sessionID, of: user, on: db, engine: database.engine)
            if let messageID {
                guard let message = try await ChatMessageRepository(db).find(id: messageID),
                    message.sessionID == sessionID
                else { throw ModerationError.unknownMessage(id: messageID) }
            }
            let cases = ModerationCaseRepository(db)
            guard try await cases.openReportCount(reporterID: user.id) < Self.maximumOpenReports else {
                throw ModerationError.tooManyOpenReports(limit: Self.maximumOpenReports)
            }
            let opened = try await cases.openReport(
                sessionID: sessionID, messageID: messageID, reporterID: user.id, reportedUserID: other,
                reason: reason, note: note, at: now)
            return (opened, [.moderationQueueChanged])
        }
    }

    // MARK: Moderators

    /// Bans a customer or vendor: their tokens are deleted, their sockets close on every instance,
    /// and they can neither sign in nor send until ``unban(userID:)``.
    @discardableResult
    public func ban(userID: Int64) async throws -> User {
        let now = clock()
        return try await database.write(publishingTo: events, at: now) { db in
            let user = try await Self.ban(userID: userID, at: now, on: db)
            try await AuditLogRepository(db).appendAction(.userBanned, target: .user, ids: [userID], at: now)
            return (user, Self.banEvents(userID: userID))
        }
    }

    @discardableResult
    public func unban(userID: Int64) async throws -> User {
        let now = clock()
        return try await database.write(publishingTo: events, at: now) { db in
            guard let user = try await UserRepository(db).setBanned(id: userID, at: nil, now: now) else {
                throw ModerationError.userNotFound(id: userID)
            }
            try await AuditLogRepository(db).appendAction(.userUnbanned, target: .user, ids: [userID], at: now)
            return (user, [.accessChanged(userID: userID)])
        }
    }

    /// Decides an open case, and carries the decision out in the same transaction. Deleting a
    /// message closes the other cases about it; a ban closes every open case about that person.
    ///
    /// - Throws: ``ModerationError/caseNotFound(id:)``, ``ModerationError/caseClosed(id:)`` when
    ///   another moderator decided first, and the decision's own errors.
    @discardableResult
    public func decide(
        caseID: Int64, _ decision: ModerationDecision, by moderator: User
    ) async throws
        -> ModerationCase
    {
        var warning = ""
        if case .warn(let text) = decision {
            warning = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !warning.isEmpty else { throw ModerationError.emptyWarning }
            warning = try MessageText.validated(warning, limit: Self.maximumWarningLength)
        }
        let now = clock()
        let engine = database.engine
        return try await database.write(publishingTo: events, at: now) { db in
            let cases = ModerationCaseRepository(db)
            guard let found = try await cases.find(id: caseID) else { throw ModerationError.caseNotFound(id: caseID) }
            let state: ModerationCaseState = decision == .dismiss ? .dismissed : .actioned
            guard
                let decided = try await cases.resolve(
                    id: caseID, as: state, resolution: decision.resolution, by: moderator.id, at: now)
            else { throw ModerationError.caseClosed(id: caseID) }
            var summary = "\(found.reason.rawValue) \(found.isReport ? "report" : "flag"): \(decision.resolution)"
            if let userID = found.reportedUserID { summary += ", about user #\(userID)" }
            if let messageID = found.messageID { summary += ", message #\(messageID)" }
            try await AuditLogRepository(db).appendAction(
                .moderationDecision, target: .moderationCase, ids: [caseID], summary: summary, at: now)
            var events: [ChatEvent] = [.moderationQueueChanged]
            switch decision {
            case .dismiss:
                break
            case .deleteMessage:
                guard let messageID = found.messageID else { throw ChatError.messageNotFound(id: 0) }
                // Before the deletion, which clears the cases' message_id.
                try await cases.resolveOthers(
                    aboutMessage: messageID, except: caseID, as: .actioned, resolution: decision.resolution,
                    by: moderator.id, at: now)
                events.append(
                    try await ChatService.deleteMessage(
                        id: messageID, sessionID: found.sessionID, at: now, engine: engine, on: db))
            case .warn:
                guard let userID = found.reportedUserID,
                    let session = try await ChatSessionRepository(db, engine: engine).find(id: found.sessionID),
                    let side = session.role(of: userID)
                else { throw ChatError.notParticipant(userID: found.reportedUserID ?? 0, sessionID: found.sessionID) }
                events.append(
                    try await ChatService.writeWarning(
                        warning, to: side, sessionID: found.sessionID, moderatorID: moderator.id, at: now,
                        engine: engine, on: db))
            case .ban:
                guard let userID = found.reportedUserID else { throw ModerationError.userNotFound(id: 0) }
                _ = try await Self.ban(userID: userID, at: now, on: db)
                try await cases.resolveOthers(
                    aboutUser: userID, except: caseID, as: .actioned, resolution: decision.resolution,
                    by: moderator.id, at: now)
                events += Self.banEvents(userID: userID)
            }
            return (decided, events)
        }
    }

    public func openCaseCount() async throws -> Int64 {
        try await database.read { db in try await ModerationCaseRepository(db).openCount() }
    }

    // MARK: Rules

    static func validatedNote(_ note: String) throws -> String? {
        let trimmed = note.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        guard trimmed.unicodeScalars.count <= maximumNoteLength else {
            throw ModerationError.noteTooLong(limit: maximumNoteLength)
        }
        guard !trimmed.unicodeScalars.contains(where: MessageText.isRefusedControl) else {
            throw ModerationError.noteControlCharacters
        }
        return trimmed
    }

    /// A session `user` takes part in and its other participant. Someone else's session answers
    /// ``ChatError/sessionNotFound(id:)``; one `user` reads without taking part (an administrator's),
    /// ``ChatError/notParticipant(userID:sessionID:)``.
    private static func counterpart(
        in sessionID: Int64, of user: User, on db: any SQLDatabase, engine: DatabaseEngine
    ) async throws -> (ChatSession, Int64) {
        guard let session = try await ChatSessionRepository(db, engine: engine).find(id: sessionID),
            ChatAccess.canRead(session, user)
        else { throw ChatError.sessionNotFound(id: sessionID) }
        switch session.role(of: user.id) {
        case .customer?: return (session, session.vendorID)
        case .vendor?: return (session, session.customerID)
        case nil: throw ChatError.notParticipant(userID: user.id, sessionID: sessionID)
        }
    }

    /// What a ban tells every instance: close the user's sockets, forget their cached tokens.
    private static func banEvents(userID: Int64) -> [ChatEvent] {
        [.userBanned(userID: userID), .accessChanged(userID: userID)]
    }

    private static func ban(userID: Int64, at now: Date, on db: any SQLDatabase) async throws -> User {
        let users = UserRepository(db)
        guard let user = try await users.find(id: userID) else { throw ModerationError.userNotFound(id: userID) }
        guard user.role != .admin else { throw ModerationError.administratorsCannotBeBanned }
        try await users.signOutEverywhere(id: userID)
        guard let banned = try await users.setBanned(id: userID, at: now, now: now) else {
            throw ModerationError.userNotFound(id: userID)
        }
        return banned
    }
}
