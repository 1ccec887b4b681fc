import Foundation
import ParleyCore

/// The Webhooks list: every endpoint, oldest first, with whether it is on and, when Parley switched
/// it off by itself, why. Never its secret.
struct WebhookIndexModel {
    struct Row {
        let id: Int64
        let url: String
        let description: String
        let events: [String]
        let isEnabled: Bool
        let disabledReason: String?
        let failingSince: TimeModel?
        let createdAt: TimeModel
        let editURL: String
        let deleteURL: String
        let deleteQuestion: String
    }

    let layout: LayoutModel
    let rows: [Row]
    let hasRows: Bool

    init(layout: LayoutModel, endpoints: [WebhookEndpoint], now: Date) {
        self.layout = layout
        rows = endpoints.map { endpoint in
            Row(
                id: endpoint.id, url: endpoint.url, description: endpoint.description,
                events: endpoint.eventTypes.map(\.rawValue), isEnabled: endpoint.isEnabled,
                disabledReason: endpoint.isEnabled ? nil : endpoint.disabledReason,
                failingSince: endpoint.failingSince.map { TimeModel($0, now: now) },
                createdAt: TimeModel(endpoint.createdAt, now: now), editURL: AdminPath.editWebhook(endpoint.id),
                deleteURL: AdminPath.deleteWebhook(endpoint.id),
                deleteQuestion: "Delete the webhook endpoint \(endpoint.url) and its delivery history? "
                    + "It will receive no more events. This cannot be undone.")
        }
        hasRows = !rows.isEmpty
    }
}
