import Foundation
import SQLKit

/// A row of the audit log as stored.
public struct AuditEntry: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var createdAt: Date
    public var actorID: Int64?
    public var actorName: String
    public var actorEmail: String
    /// The stored action; an action this version does not know (written by a newer one) stays text.
    public var actionName: String
    public var targetType: String
    /// The ids of the records touched, comma-separated as stored.
    public var targetIDs: String
    public var summary: String
    public var clientAddress: String

    public var action: AuditAction? { AuditAction(rawValue: actionName) }

    static let columns =
        "id, created_at, actor_id, actor_name, actor_email, action, target_type, target_ids, summary, client_address"

    init(row: any SQLRow) throws {
        id = try row.int64("id")
        createdAt = try row.date("created_at")
        actorID = try row.decode(column: "actor_id", as: Int64?.self)
        actorName = try row.string("actor_name")
        actorEmail = try row.string("actor_email")
        actionName = try row.string("action")
        targetType = try row.string("target_type")
        targetIDs = try row.string("target_ids")
        summary = try row.string("summary")
        clientAddress = try row.string("client_address")
    }
}
