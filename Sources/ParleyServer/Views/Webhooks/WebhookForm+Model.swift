import Foundation
import ParleyCore

/// The create and edit forms of a webhook endpoint, with every error beside its field; the edit
/// form also lists the endpoint's recent deliveries. The secret is typed here but never shown back.
struct WebhookFormModel {
    /// What the administrator entered, kept when the form is shown again.
    struct Input {
        var url = ""
        var description = ""
        var events: [WebhookEventType] = []
        var isEnabled = true
        /// Whether a secret was typed (create only); the secret itself is not kept.
        var typedSecret = false

        init() {}

        init(_ endpoint: WebhookEndpoint) {
            url = endpoint.url
            description = endpoint.description
            events = endpoint.eventTypes
            isEnabled = endpoint.isEnabled
        }
    }

    struct EventOption {
        let value: String
        let inputID: String
        let isChecked: Bool
    }

    let layout: LayoutModel
    let heading: String
    let action: String
    let isNew: Bool
    let url: String
    let description: String
    let descriptionLimit = WebhookService.descriptionLimit
    let events: [EventOption]
    let isEnabled: Bool
    /// Why Parley switched the endpoint off by itself, while it is off.
    let disabledReason: String?
    let secretNotKept: Bool
    let errors: [String: String]
    let formError: String?
    let deliveries: WebhookDeliveriesModel?

    init(
        layout: LayoutModel, endpoint: WebhookEndpoint?, input: Input, errors: [WebhookError],
        deliveries: WebhookDeliveriesModel?, formError: String? = nil
    ) {
        self.layout = layout
        heading = endpoint.map { "Edit webhook endpoint #\($0.id)" } ?? "New webhook endpoint"
        action = endpoint.map { AdminPath.webhook($0.id) } ?? AdminPath.webhooks
        isNew = endpoint == nil
        url = input.url
        description = input.description
        events = WebhookEventType.allCases.map {
            EventOption(
                value: $0.rawValue, inputID: "event-" + $0.rawValue.replacingOccurrences(of: ".", with: "-"),
                isChecked: input.events.contains($0))
        }
        isEnabled = input.isEnabled
        disabledReason = endpoint.flatMap { $0.isEnabled ? nil : $0.disabledReason }
        secretNotKept = input.typedSecret && (!errors.isEmpty || formError != nil)
        var byField: [String: String] = [:]
        for error in errors {
            if let field = error.field, byField[field] == nil { byField[field] = error.message }
        }
        self.errors = byField
        self.formError = formError ?? errors.first { $0.field == nil }?.message
        self.deliveries = deliveries
    }
}
