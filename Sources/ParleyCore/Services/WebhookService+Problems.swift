extension WebhookService {
    /// Every problem with an endpoint as an administrator typed it, so a form can show them all at
    /// once, each beside its field. Empty when ``add(url:events:description:secret:)`` or
    /// ``update(id:url:events:description:enabled:)`` would take it.
    public static func problems(url: String, events: String, description: String, secret: String?) -> [WebhookError] {
        var problems: [WebhookError] = []
        func check(_ validate: () throws -> Void) {
            do { try validate() } catch let error as WebhookError { problems.append(error) } catch {}
        }
        check { _ = try validatedURL(url) }
        check { _ = try WebhookEventType.parseList(events).get() }
        check { _ = try validatedDescription(description) }
        if let secret { check { _ = try validatedSecret(secret) } }
        return problems
    }
}
