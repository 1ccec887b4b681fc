import Foundation

/// Webhook endpoints as administrators manage them, from the admin panel or the command line.
public struct WebhookService: Sendable {
    public static let descriptionLimit = 200
    /// Deliveries the admin page lists per endpoint.
    public static let recentLimit = 50

    let database: Database
    let configuration: NotificationConfiguration
    let clock: @Sendable () -> Date

    public init(
        database: Database, configuration: NotificationConfiguration = .init(),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.configuration = configuration
        self.clock = clock
    }

    public func endpoints() async throws -> [WebhookEndpoint] {
        try await database.read { db in try await WebhookEndpointRepository(db).all() }
    }

    public func endpoint(id: Int64) async throws -> WebhookEndpoint {
        guard let endpoint = try await database.read({ db in try await WebhookEndpointRepository(db).find(id: id) })
        else { throw WebhookError.endpointNotFound(id: id) }
        return endpoint
    }

    /// Adds an endpoint; without a secret, makes one. The result holds the secret, to show once.
    public func add(
        url: String, events: String, description: String = "", secret: String? = nil
    ) async throws
        -> WebhookEndpoint
    {
        let url = try Self.validatedURL(url)
        let types = try WebhookEventType.parseList(events).get()
        let description = try Self.validatedDescription(description)
        let secret = try secret.map(Self.validatedSecret) ?? WebhookSignature.makeSecret()
        let now = clock()
        return try await database.write { db in
            let endpoint = try await WebhookEndpointRepository(db).insert(
                url: url, description: description, eventTypes: types, secret: secret, at: now)
            try await AuditLogRepository(db).appendAction(
                .webhookCreated, target: .webhookEndpoint, ids: [endpoint.id],
                summary: "\(Self.described(url)) for \(types.map(\.rawValue).joined(separator: ", "))", at: now)
            return endpoint
        }
    }

    public func update(
        id: Int64, url: String, events: String, description: String, enabled: Bool
    ) async throws
        -> WebhookEndpoint
    {
        let url = try Self.validatedURL(url)
        let types = try WebhookEventType.parseList(events).get()
        let description = try Self.validatedDescription(description)
        let now = clock()
        return try await database.write { db in
            let endpoints = WebhookEndpointRepository(db)
            guard let previous = try await endpoints.find(id: id),
                let endpoint = try await endpoints.update(
                    id: id, url: url, description: description, eventTypes: types, enabled: enabled, at: now)
            else { throw WebhookError.endpointNotFound(id: id) }
            try await AuditLogRepository(db).appendAction(
                .webhookEdited, target: .webhookEndpoint, ids: [id],
                summary: AuditSummary.changes([
                    (label: "url", old: Self.described(previous.url), new: Self.described(endpoint.url)),
                    (label: "description", old: previous.description, new: endpoint.description),
                    (
                        label: "events", old: previous.eventTypes.map(\.rawValue).joined(separator: ","),
                        new: endpoint.eventTypes.map(\.rawValue).joined(separator: ",")
                    ),
                    (
                        label: "enabled", old: AuditSummary.onOff(previous.isEnabled),
                        new: AuditSummary.onOff(endpoint.isEnabled)
                    ),
                ]), at: now)
            return endpoint
        }
    }

    public func remove(id: Int64) async throws {
        let now = clock()
        try await database.write { db in
            let endpoints = WebhookEndpointRepository(db)
            guard let endpoint = try await endpoints.find(id: id), try await endpoints.delete(id: id) else {
                throw WebhookError.endpointNotFound(id: id)
            }
            try await AuditLogRepository(db).appendAction(
                .webhookDeleted, target: .webhookEndpoint, ids: [id], summary: Self.described(endpoint.url), at: now)
        }
    }

    public func recentDeliveries(endpointID: Int64) async throws -> [WebhookDelivery] {
        _ = try await endpoint(id: endpointID)
        return try await database.read { db in
            try await WebhookDeliveryRepository(db, engine: database.engine).recent(
                endpointID: endpointID, limit: Self.recentLimit)
        }
    }

    /// Queues one of the endpoint's deliveries again, with the same event id.
    public func resend(endpointID: Int64, deliveryID: Int64) async throws {
        let now = clock()
        let window = configuration.webhookRetryWindow
        try await database.write { db in
            let deliveries = WebhookDeliveryRepository(db, engine: database.engine)
            guard let delivery = try await deliveries.find(id: deliveryID), delivery.endpointID == endpointID else {
                throw WebhookError.deliveryNotFound(id: deliveryID)
            }
            _ = try await deliveries.resend(id: deliveryID, at: now, retryingFor: window)
            try await AuditLogRepository(db).appendAction(
                .webhookDeliveryResent, target: .webhookDelivery, ids: [deliveryID],
                summary: "delivery #\(deliveryID) of endpoint #\(endpointID)", at: now)
        }
    }

    static func validatedURL(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count <= 2_000 else { throw WebhookError.invalidURL("it is longer than 2,000 characters") }
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased() else {
            throw WebhookError.invalidURL("\"\(trimmed.prefix(100))\" is not an address")
        }
        guard scheme == "http" || scheme == "https" else {
            throw WebhookError.invalidURL("the scheme is \(scheme)")
        }
        guard let host = url.host, !host.isEmpty else { throw WebhookError.invalidURL("it has no host") }
        guard url.user == nil, url.password == nil else {
            throw WebhookError.invalidURL("put credentials in the secret, not in the address")
        }
        return trimmed
    }

    /// An endpoint's address as the audit log shows it: without credentials, query or fragment,
    /// which may hold a receiver's key.
    public static func described(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "(unreadable address)" }
        let hidden = components.query != nil || components.fragment != nil
        components.query = nil
        components.fragment = nil
        components.user = nil
        components.password = nil
        return (components.string ?? "") + (hidden ? "?…" : "")
    }

    static func validatedDescription(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= descriptionLimit else { throw WebhookError.descriptionTooLong(limit: descriptionLimit) }
        return trimmed
    }

    static func validatedSecret(_ text: String) throws -> String {
        guard (16...200).contains(text.count), text.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) })
        else { throw WebhookError.invalidSecret }
        return text
    }
}
