import Foundation
import SQLKit

/// Reads and writes `moderation_cases`. Cases are opened by the send path (the detector's flags)
/// and by reports, and decided once by a moderator (``ModerationService``).
public struct ModerationCaseRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// One case per message the detector flagged, in the send's own transaction.
    func openForDetectedContactDetails(_ messages: [ChatMessage], at now: Date) async throws {
        guard !messages.isEmpty else { return }
        var values = SQLQueryString("")
        for (position, message) in messages.enumerated() {
            if position > 0 { values = values + ", " }
            values =
                values
                + "('detector', 'contact_details', \(bind: message.sessionID), \(bind: message.id), "
                + "\(bind: message.senderID), \(bind: now.epochMilliseconds))"
        }
        try await db.raw(
            """
            INSERT INTO moderation_cases (source, reason, chat_session_id, message_id, reported_user_id, created_at)
            VALUES \(values)
            """
        ).run()
    }

    func openReport(
        sessionID: Int64, messageID: Int64?, reporterID: Int64, reportedUserID: Int64, reason: ModerationReason,
        note: String?, at now: Date
    ) async throws -> ModerationCase {
        guard
            let row = try await db.raw(
                """
                INSERT INTO moderation_cases (
                    source, reason, chat_session_id, message_id, reporter_id, reported_user_id, note, created_at)
                VALUES ('report', \(bind: reason.rawValue), \(bind: sessionID), \(bind: messageID),
                    \(bind: reporterID), \(bind: reportedUserID), \(bind: note), \(bind: now.epochMilliseconds))
                RETURNING \(unsafeRaw: ModerationCase.columns)
                """
            ).first()
        else { throw DatabaseUnavailable(description: "INSERT … RETURNING gave no report") }
        return try ModerationCase(row: row)
    }

    /// Reports `reporterID` made that no moderator has decided yet (moderation_cases_reporter_idx).
    func openReportCount(reporterID: Int64) async throws -> Int {
        let row = try await db.raw(
            """
            SELECT COUNT(*) AS n FROM moderation_cases
            WHERE reporter_id = \(bind: reporterID) AND state = 'open'
            """
        ).first()
        return Int(try row?.int64("n") ?? 0)
    }

    /// The queue's open cases (moderation_cases_state_idx).
    public func openCount() async throws -> Int64 {
        try await db.raw("SELECT COUNT(*) AS n FROM moderation_cases WHERE state = 'open'").first()?.int64("n") ?? 0
    }

    public func find(id: Int64) async throws -> ModerationCase? {
        try await db.raw("SELECT \(unsafeRaw: ModerationCase.columns) FROM moderation_cases WHERE id = \(bind: id)")
            .first().map(ModerationCase.init(row:))
    }

    /// Decides an open case; nil when it is not open (another moderator was first).
    func resolve(
        id: Int64, as state: ModerationCaseState, resolution: String, by moderatorID: Int64, at now: Date
    ) async throws -> ModerationCase? {
        try await db.raw(
            """
            UPDATE moderation_cases SET state = \(bind: state.rawValue), resolution = \(bind: resolution),
                resolved_by = \(bind: moderatorID), resolved_at = \(bind: now.epochMilliseconds)
            WHERE id = \(bind: id) AND state = 'open'
            RETURNING \(unsafeRaw: ModerationCase.columns)
            """
        ).first().map(ModerationCase.init(row:))
    }

    /// Closes every other open case about the same message with the same decision: deleting a
    /// message or banning its sender answers them all.
    /// Closes the other open cases about a message, decided with the case `id`.
    func resolveOthers(
        aboutMessage messageID: Int64, except id: Int64, as state: ModerationCaseState, resolution: String,
        by moderatorID: Int64, at now: Date
    ) async throws {
        try await resolveOpen(
            where: "message_id = \(bind: messageID)", except: id, as: state, resolution: resolution, by: moderatorID,
            at: now)
    }

    /// Closes the other open cases about a person, decided with the case `id`.
    func resolveOthers(
        aboutUser userID: Int64, except id: Int64, as state: ModerationCaseState, resolution: String,
        by moderatorID: Int64, at now: Date
    ) async throws {
        try await resolveOpen(
            where: "reported_user_id = \(bind: userID)", except: id, as: state, resolution: resolution,
            by: moderatorID, at: now)
    }

    private func resolveOpen(
        where condition: SQLQueryString, except id: Int64, as state: ModerationCaseState, resolution: String,
        by moderatorID: Int64, at now: Date
    ) async throws {
        try await db.raw(
            """
            UPDATE moderation_cases SET state = \(bind: state.rawValue), resolution = \(bind: resolution),
                resolved_by = \(bind: moderatorID), resolved_at = \(bind: now.epochMilliseconds)
            WHERE state = 'open' AND id <> \(bind: id) AND 
            """ + condition
        ).run()
    }
}
