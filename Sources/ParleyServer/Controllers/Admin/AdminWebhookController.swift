import Foundation
import Hummingbird
import ParleyCore

/// Webhooks: the endpoints that hear Parley's events, added, edited, switched off and deleted by
/// an administrator, with each endpoint's recent deliveries and a way to send one again.
struct AdminWebhookController {
    let webhooks: WebhookService
    let pages: AdminPages

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(RouterPath(AdminPath.webhooks), use: index)
        group.get(RouterPath(AdminPath.newWebhook), use: new)
        group.post(RouterPath(AdminPath.webhooks), use: create)
        group.get(RouterPath(AdminPath.Pattern.editWebhook), use: edit)
        group.post(RouterPath(AdminPath.Pattern.webhook), use: update)
        group.post(RouterPath(AdminPath.Pattern.deleteWebhook), use: delete)
        group.post(RouterPath(AdminPath.Pattern.resendWebhookDelivery), use: resend)
    }

    @Sendable func index(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let model = WebhookIndexModel(
            layout: await pages.layout(for: request, session: session, section: .webhooks),
            endpoints: try await webhooks.endpoints(), now: Date())
        return pages.page("webhooks/index", model, request: request)
    }

    @Sendable func new(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        return try await form(request: request, session: session, endpoint: nil, input: .init())
    }

    /// Answers with the new endpoint's secret rather than a redirect, so that the secret is never
    /// stored anywhere to be shown later: this response is the one time it is shown.
    @Sendable func create(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let form = try await FormData.from(request, context: context)
        let (input, events) = Self.read(form, isNew: true)
        let secret = form.trimmed("secret")
        let problems = WebhookService.problems(
            url: input.url, events: events, description: input.description, secret: secret.isEmpty ? nil : secret)
        if context.staleForm || !problems.isEmpty {
            return try await self.form(
                request: request, session: session, endpoint: nil, input: input, errors: problems,
                stale: context.staleForm)
        }
        do {
            let endpoint = try await webhooks.add(
                url: input.url, events: events, description: input.description, secret: secret.isEmpty ? nil : secret)
            let model = WebhookCreatedModel(
                layout: await pages.layout(for: request, session: session, section: .webhooks), endpoint: endpoint)
            return pages.page("webhooks/created", model, request: request, status: .created)
        } catch let error as WebhookError {
            return try await self.form(request: request, session: session, endpoint: nil, input: input, errors: [error])
        }
    }

    @Sendable func edit(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let endpoint = try await requireEndpoint(context)
        return try await form(request: request, session: session, endpoint: endpoint, input: .init(endpoint))
    }

    @Sendable func update(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let endpoint = try await requireEndpoint(context)
        let form = try await FormData.from(request, context: context)
        let (input, events) = Self.read(form, isNew: false)
        let problems = WebhookService.problems(
            url: input.url, events: events, description: input.description, secret: nil)
        if context.staleForm || !problems.isEmpty {
            return try await self.form(
                request: request, session: session, endpoint: endpoint, input: input, errors: problems,
                stale: context.staleForm)
        }
        do {
            let updated = try await webhooks.update(
                id: endpoint.id, url: input.url, events: events, description: input.description,
                enabled: input.isEnabled)
            return Responses.redirect(
                to: AdminPath.editWebhook(updated.id),
                notice: "Webhook endpoint #\(updated.id) saved" + (updated.isEnabled ? "." : "; it is off."))
        } catch let error as WebhookError where error.kind != .notFound {
            return try await self.form(
                request: request, session: session, endpoint: endpoint, input: input, errors: [error])
        }
    }

    @Sendable func delete(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireSession()
        let endpoint = try await requireEndpoint(context)
        try await webhooks.remove(id: endpoint.id)
        return Responses.redirect(to: AdminPath.webhooks, notice: "Webhook endpoint \(endpoint.url) deleted.")
    }

    @Sendable func resend(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireSession()
        let endpointID = try Self.id(context, "id")
        let deliveryID = try Self.id(context, "deliveryID")
        try await webhooks.resend(endpointID: endpointID, deliveryID: deliveryID)
        return Responses.redirect(
            to: AdminPath.editWebhook(endpointID) + "#deliveries",
            notice: "Delivery #\(deliveryID) is queued to be sent again, with the same event id.")
    }

    /// The form's fields, and its checked events as the comma-separated list the service reads.
    private static func read(_ form: FormData, isNew: Bool) -> (WebhookFormModel.Input, String) {
        var input = WebhookFormModel.Input()
        input.url = form.trimmed("url")
        input.description = form.trimmed("description")
        let names = form.all("events")
        input.events = WebhookEventType.allCases.filter { names.contains($0.rawValue) }
        // The form sends a hidden "0" before the switch, so the last value is the choice.
        input.isEnabled = isNew || form.all("enabled").last == "1"
        input.typedSecret = isNew && !form.trimmed("secret").isEmpty
        return (input, names.joined(separator: ","))
    }

    private static func id(_ context: AppRequestContext, _ name: String) throws -> Int64 {
        guard let id = context.parameters.get(name).flatMap({ Int64($0) }) else {
            throw HTTPError(.notFound, message: "There is no such webhook endpoint or delivery.")
        }
        return id
    }

    private func requireEndpoint(_ context: AppRequestContext) async throws -> WebhookEndpoint {
        try await webhooks.endpoint(id: try Self.id(context, "id"))
    }

    private func form(
        request: Request, session: WebSession, endpoint: WebhookEndpoint?, input: WebhookFormModel.Input,
        errors: [WebhookError] = [], stale: Bool = false
    ) async throws -> Response {
        var deliveries: WebhookDeliveriesModel?
        if let endpoint {
            deliveries = WebhookDeliveriesModel(
                endpointID: endpoint.id, deliveries: try await webhooks.recentDeliveries(endpointID: endpoint.id),
                now: Date())
        }
        let model = WebhookFormModel(
            layout: await pages.layout(for: request, session: session, section: .webhooks), endpoint: endpoint,
            input: input, errors: errors, deliveries: deliveries,
            formError: stale ? AdminSessionMiddleware.staleFormMessage : nil)
        let status: HTTPResponse.Status = stale ? .forbidden : errors.isEmpty ? .ok : .unprocessableContent
        return pages.page("webhooks/form", model, request: request, status: status)
    }
}
