import Foundation
import SQLKit

/// Where a marketplace's own system hears about Parley's events, and which ones.
public struct WebhookEndpoint: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var url: String
    public var description: String
    public var eventTypes: [WebhookEventType]
    /// Signs every delivery; shown to the administrator once, when it is made.
    public var secret: String
    public var isEnabled: Bool
    /// Why Parley turned the endpoint off by itself, when it did.
    public var disabledReason: String?
    /// Since when every delivery attempt has failed; nil after a success.
    public var failingSince: Date?
    public var createdAt: Date
    public var updatedAt: Date

    static let columns =
        "id, url, description, event_types, secret, enabled, disabled_reason, failing_since, created_at, updated_at"

    init(row: any SQLRow) throws {
        id = try row.int64("id")
        url = try row.string("url")
        description = try row.string("description")
        eventTypes = try row.string("event_types").split(separator: ",").compactMap {
            WebhookEventType(rawValue: String($0))
        }
        secret = try row.string("secret")
        isEnabled = try row.int64("enabled") != 0
        disabledReason = try row.decode(column: "disabled_reason", as: String?.self)
        failingSince = try row.optionalDate("failing_since")
        createdAt = try row.date("created_at")
        updatedAt = try row.date("updated_at")
    }

    public func wants(_ type: WebhookEventType) -> Bool {
        isEnabled && eventTypes.contains(type)
    }
}
