import Foundation
import SQLKit

/// One event on its way to one endpoint, as the admin page lists it.
public struct WebhookDelivery: Sendable, Equatable, Identifiable {
    public enum State: String, Sendable {
        case pending, delivered, failed
    }

    public var id: Int64
    public var endpointID: Int64
    /// The id receivers see, the same on every attempt.
    public var eventID: String
    public var eventType: String
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastAttemptAt: Date?
    /// The HTTP status of the last answer; nil when there was none (refused, timed out).
    public var lastStatus: Int?
    public var lastError: String?
    public var createdAt: Date
    public var completedAt: Date?

    static let columns = """
        d.id, d.endpoint_id, ev.public_id, ev.type, d.state, d.attempts, d.next_attempt_at, d.last_attempt_at, \
        d.last_status, d.last_error, d.created_at, d.completed_at
        """

    init(row: any SQLRow) throws {
        id = try row.int64("id")
        endpointID = try row.int64("endpoint_id")
        eventID = try row.string("public_id")
        eventType = try row.string("type")
        state = State(rawValue: try row.string("state")) ?? .pending
        attempts = Int(try row.int64("attempts"))
        nextAttemptAt = try row.date("next_attempt_at")
        lastAttemptAt = try row.optionalDate("last_attempt_at")
        lastStatus = try row.decode(column: "last_status", as: Int64?.self).map { Int($0) }
        lastError = try row.decode(column: "last_error", as: String?.self)
        createdAt = try row.date("created_at")
        completedAt = try row.optionalDate("completed_at")
    }
}
