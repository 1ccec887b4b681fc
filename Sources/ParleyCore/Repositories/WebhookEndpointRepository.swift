import Foundation
import SQLKit

/// The `webhook_endpoints` table (migration 0014).
public struct WebhookEndpointRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    public func all() async throws -> [WebhookEndpoint] {
        try await db.raw("SELECT \(unsafeRaw: WebhookEndpoint.columns) FROM webhook_endpoints ORDER BY id")
            .all().map(WebhookEndpoint.init(row:))
    }

    /// The endpoints that receive events now. Few rows; read whole by the dispatcher.
    public func enabled() async throws -> [WebhookEndpoint] {
        try await db.raw(
            "SELECT \(unsafeRaw: WebhookEndpoint.columns) FROM webhook_endpoints WHERE enabled = 1 ORDER BY id"
        ).all().map(WebhookEndpoint.init(row:))
    }

    public func find(id: Int64) async throws -> WebhookEndpoint? {
        try await db.raw(
            "SELECT \(unsafeRaw: WebhookEndpoint.columns) FROM webhook_endpoints WHERE id = \(bind: id)"
        ).first().map(WebhookEndpoint.init(row:))
    }

    public func insert(
        url: String, description: String, eventTypes: [WebhookEventType], secret: String, at now: Date
    ) async throws -> WebhookEndpoint {
        let row = try await db.raw(
            """
            INSERT INTO webhook_endpoints (url, description, event_types, secret, enabled, created_at, updated_at)
            VALUES (\(bind: url), \(bind: description), \(bind: Self.list(eventTypes)), \(bind: secret), 1,
                \(bind: now.epochMilliseconds), \(bind: now.epochMilliseconds))
            RETURNING \(unsafeRaw: WebhookEndpoint.columns)
            """
        ).first()
        guard let row else { throw DatabaseUnavailable(description: "INSERT returned no row") }
        return try WebhookEndpoint(row: row)
    }

    /// Changes what an administrator edits. Turning an endpoint on clears why it was off and its
    /// run of failures, so it gets a fresh day before it is switched off again.
    public func update(
        id: Int64, url: String, description: String, eventTypes: [WebhookEventType], enabled: Bool, at now: Date
    ) async throws -> WebhookEndpoint? {
        try await db.raw(
            """
            UPDATE webhook_endpoints SET url = \(bind: url), description = \(bind: description),
                event_types = \(bind: Self.list(eventTypes)),
                disabled_reason = CASE WHEN \(bind: enabled ? 1 : 0) = 1 THEN NULL ELSE disabled_reason END,
                failing_since = CASE WHEN enabled = 0 AND \(bind: enabled ? 1 : 0) = 1 THEN NULL
                    ELSE failing_since END,
                enabled = \(bind: enabled ? 1 : 0), updated_at = \(bind: now.epochMilliseconds)
            WHERE id = \(bind: id)
            RETURNING \(unsafeRaw: WebhookEndpoint.columns)
            """
        ).first().map(WebhookEndpoint.init(row:))
    }

    /// Deletes the endpoint and its deliveries; false when there was none.
    public func delete(id: Int64) async throws -> Bool {
        try await db.raw("DELETE FROM webhook_endpoints WHERE id = \(bind: id) RETURNING id").first() != nil
    }

    /// After a failed attempt: notes when the failures began, and switches the endpoint off with
    /// `reason` once they have gone on since `disableBefore` or earlier.
    public func recordFailure(id: Int64, at now: Date, disableBefore: Date, reason: String) async throws {
        let cutoff = disableBefore.epochMilliseconds
        try await db.raw(
            """
            UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, \(bind: now.epochMilliseconds)),
                enabled = CASE WHEN failing_since <= \(bind: cutoff) THEN 0 ELSE enabled END,
                disabled_reason = CASE WHEN failing_since <= \(bind: cutoff) THEN \(bind: reason)
                    ELSE disabled_reason END
            WHERE id = \(bind: id)
            """
        ).run()
    }

    public func recordSuccess(id: Int64) async throws {
        try await db.raw(
            "UPDATE webhook_endpoints SET failing_since = NULL WHERE id = \(bind: id) AND failing_since IS NOT NULL"
        ).run()
    }

    static func list(_ types: [WebhookEventType]) -> String {
        types.map(\.rawValue).joined(separator: ",")
    }
}
