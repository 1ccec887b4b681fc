import Foundation
import SQLKit

/// A report from a participant, or a message the detector flagged, waiting for or decided by a
/// moderator.
public struct ModerationCase: Sendable, Equatable, Identifiable {
    public var id: Int64
    /// True for a participant's report, false for the detector's flag.
    public var isReport: Bool
    public var reason: ModerationReason
    public var state: ModerationCaseState
    public var sessionID: Int64
    /// Nil for a report about the conversation as a whole, or once the message was deleted.
    public var messageID: Int64?
    public var reporterID: Int64?
    /// Whom the case is about: the message's sender, or the reporter's counterpart.
    public var reportedUserID: Int64?
    public var note: String?
    /// What the moderator did, in a few words.
    public var resolution: String?
    public var resolvedBy: Int64?
    public var resolvedAt: Date?
    public var createdAt: Date

    static let columns = """
        id, source, reason, state, chat_session_id, message_id, reporter_id, reported_user_id, note, resolution,
        resolved_by, resolved_at, created_at
        """

    init(row: any SQLRow) throws {
        id = try row.int64("id")
        isReport = try row.string("source") == "report"
        reason = ModerationReason(rawValue: try row.string("reason")) ?? .other
        state = ModerationCaseState(rawValue: try row.string("state")) ?? .open
        sessionID = try row.int64("chat_session_id")
        messageID = try row.decode(column: "message_id", as: Int64?.self)
        reporterID = try row.decode(column: "reporter_id", as: Int64?.self)
        reportedUserID = try row.decode(column: "reported_user_id", as: Int64?.self)
        note = try row.decode(column: "note", as: String?.self)
        resolution = try row.decode(column: "resolution", as: String?.self)
        resolvedBy = try row.decode(column: "resolved_by", as: Int64?.self)
        resolvedAt = try row.optionalDate("resolved_at")
        createdAt = try row.date("created_at")
    }
}
