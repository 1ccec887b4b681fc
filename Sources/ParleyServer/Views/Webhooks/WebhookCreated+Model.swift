import ParleyCore

/// The page right after an endpoint is added: the only place its secret is ever shown.
struct WebhookCreatedModel {
    let layout: LayoutModel
    let url: String
    let secret: String
    let editURL: String

    init(layout: LayoutModel, endpoint: WebhookEndpoint) {
        self.layout = layout
        url = endpoint.url
        secret = endpoint.secret
        editURL = AdminPath.editWebhook(endpoint.id)
    }
}
