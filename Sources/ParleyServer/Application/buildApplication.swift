import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ParleyCore
import ServiceLifecycle

/// Builds the HTTP application over ready dependencies. The executable and the tests both call it.
///
/// `ownsDatabase` adds a service that closes the database after the server has stopped;
/// `metricsToken` opens `GET /metrics` to that bearer token (nil keeps it closed);
/// `onServerRunning` runs once the port is bound.
public func buildApplication(
    host: String, port: Int, dependencies: AppDependencies, ownsDatabase: Bool, logger: Logger,
    connections: ConnectionLimits = .init(), metricsToken: String? = nil,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let renderer = try await PageRenderer.load()
    let badge = SidebarCount.unreadMessages(
        database: dependencies.database, events: dependencies.events, logger: logger)
    let moderationCount = SidebarCount.openModerationCases(
        database: dependencies.database, events: dependencies.events, logger: logger)
    let hub = RealtimeHub(events: dependencies.events, logger: logger)
    let events = dependencies.events
    let access = APIAccess(
        tokens: APITokenCache(
            tokens: APITokenService(database: dependencies.database, events: events), events: events),
        chatSwitch: ChatSwitch(settings: dependencies.settings, events: events),
        sendLimiter: dependencies.sendRateLimit.map { SendRateLimiter($0, events: events) })
    let router = buildRouter(
        dependencies: dependencies,
        pages: AdminPages(renderer: renderer, badge: badge, moderationCount: moderationCount), access: access,
        trustedProxies: connections.trustedProxies, metricsToken: metricsToken)
    // Realtime sockets are checked after the upgrade: a refused upgrade could only answer a bare
    // 400, while a close frame can say why (`unauthorized`, `chat_disabled`).
    let realtime = RealtimeAccess(
        hub: hub, tokens: access.tokens, settings: dependencies.settings, metrics: dependencies.metrics,
        logger: logger)
    // Services stop in reverse order, after the HTTP server: the send queue answers the last
    // sends once no request can add more, and the database closes last.
    var services: [any Service] = []
    if ownsDatabase { services.append(DatabaseService(database: dependencies.database)) }
    // The bus and the log's pruning stop after everything that publishes or listens.
    if let bus = events as? any Service { services.append(bus) }
    services.append(EventLogPruner(database: dependencies.database, logger: logger))
    let webhookSender = WebhookSender(
        database: dependencies.database, configuration: dependencies.notifications, logger: logger)
    services.append(webhookSender)
    let reminderSender = ReminderSender(
        database: dependencies.database, configuration: dependencies.notifications, mailer: dependencies.mailer,
        logger: logger, onWebhookQueued: { webhookSender.wake() },
        handOff: { webhookSender.accept($0, leasedUntil: $1) })
    services.append(reminderSender)
    services.append(
        OutboxDispatcher(
            database: dependencies.database, events: events, configuration: dependencies.notifications,
            emailEnabled: dependencies.mailer != nil, logger: logger,
            onDispatched: {
                webhookSender.wake()
                reminderSender.wake()
            },
            handOff: { webhookSender.accept($0, leasedUntil: $1) }))
    services.append(access.tokens)
    services.append(access.chatSwitch)
    if let limiter = access.sendLimiter { services.append(limiter) }
    services.append(dependencies.chat.sendQueue)
    services.append(badge)
    services.append(moderationCount)
    services.append(hub)
    return Application(
        router: router,
        server: HTTPServerBuilder { responder in
            RealtimeServerChannel(
                responder: responder, access: realtime, maxFrameSize: 1 << 16, limits: connections)
        },
        configuration: .init(address: .hostname(host, port: port), serverName: "Parley"),
        services: services,
        onServerRunning: onServerRunning,
        logger: logger
    )
}

/// What the API's requests are checked against; the realtime sockets share the token cache.
struct APIAccess {
    let tokens: APITokenCache
    let chatSwitch: ChatSwitch
    /// Each user's send limit on the API; nil for none.
    let sendLimiter: SendRateLimiter?
}

func buildRouter(
    dependencies: AppDependencies, pages: AdminPages, access: APIAccess, trustedProxies: TrustedProxies,
    metricsToken: String?
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestMetricsMiddleware(metrics: dependencies.metrics))
    router.add(middleware: RequestLogMiddleware(level: .debug))
    router.add(middleware: ClientOriginMiddleware(trustedProxies: trustedProxies))
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: UnavailableMiddleware())
    if let metricsToken {
        router.add(middleware: MetricsEndpointMiddleware(metrics: dependencies.metrics, token: metricsToken))
    }
    router.add(
        middleware: FileMiddleware(
            PageRenderer.publicDirectory, urlBasePath: AdminPath.assets,
            cacheControl: .init([(MediaType(type: .any), [.noCache])])))
    router.add(
        middleware: FileMiddleware(
            PageRenderer.publicDirectory + "/chat", urlBasePath: AppPath.chatAssets,
            cacheControl: .init([(MediaType(type: .any), [.noCache])])))
    router.add(middleware: APINotFoundMiddleware())
    router.add(
        middleware: AdminNotFoundMiddleware(sessions: WebSessionService(database: dependencies.database), pages: pages))
    HomeController(renderer: pages.renderer).addRoutes(to: router)
    HealthController(database: dependencies.database).addRoutes(to: router)
    ChatClientController(renderer: pages.renderer).addRoutes(to: router)

    let webSessions = WebSessionService(database: dependencies.database)
    // One throttle for both doors, so a guesser gains nothing by switching between them.
    let throttle = SignInThrottle(database: dependencies.database)
    AdminLoginController(
        users: dependencies.users, sessions: webSessions, throttle: throttle,
        renderer: pages.renderer, audit: dependencies.audit
    ).addRoutes(to: router)

    let admin = router.group()
        .add(middleware: AdminSessionMiddleware(sessions: webSessions, pages: pages))
        .add(middleware: AdminErrorMiddleware(pages: pages))
    let chatSessions = AdminChatSessionController(dependencies: dependencies, pages: pages)
    // Export routes first: "export.csv" must not be taken for a session id.
    AdminChatSessionExportController(database: dependencies.database, audit: dependencies.audit).addRoutes(to: admin)
    chatSessions.addRoutes(to: admin)
    AdminChatMessageController(dependencies: dependencies, pages: pages).addRoutes(to: admin)
    AdminLookupController(lookup: Lookup(database: dependencies.database)).addRoutes(to: admin)
    AdminEventsController(badge: pages.badge, moderationCount: pages.moderationCount).addRoutes(to: admin)
    AdminModerationController(dependencies: dependencies, pages: pages).addRoutes(to: admin)
    AdminUserController(dependencies: dependencies, pages: pages).addRoutes(to: admin)
    AdminProductController(dependencies: dependencies, pages: pages).addRoutes(to: admin)
    AdminSettingsController(chatSwitch: access.chatSwitch, settings: dependencies.settings, pages: pages)
        .addRoutes(to: admin)
    AdminWebhookController(webhooks: dependencies.webhooks, pages: pages).addRoutes(to: admin)
    AdminAuditController(audit: dependencies.audit, pages: pages).addRoutes(to: admin)

    let api = router.group(RouterPath(AppPath.API.base)).add(middleware: APIErrorMiddleware())
    ConfigController(settings: dependencies.settings).addRoutes(to: api)
    OpenAPIController().addRoutes(to: api)
    AuthTokenController(
        users: dependencies.users, tokens: access.tokens, throttle: throttle
    ).addRoutes(to: api)
    // The caller's account: devices and preferences stay reachable while chat is switched off.
    let accountAPI = api.group().add(middleware: APIAuthMiddleware(tokens: access.tokens))
    DeviceAPIController(devices: dependencies.devices).addRoutes(to: accountAPI)
    PreferencesAPIController(preferences: dependencies.preferences).addRoutes(to: accountAPI)
    let chatAPI = api.group()
        .add(middleware: APIAuthMiddleware(tokens: access.tokens))
        .add(middleware: ChatEnabledMiddleware(chatSwitch: access.chatSwitch))
    ChatAPIController(dependencies: dependencies, limiter: access.sendLimiter)
        .addRoutes(to: chatAPI)
    ProductAPIController(lookup: Lookup(database: dependencies.database)).addRoutes(to: chatAPI)
    ChatMuteAPIController(preferences: dependencies.preferences).addRoutes(to: chatAPI)
    ModerationAPIController(database: dependencies.database, moderation: dependencies.moderation)
        .addRoutes(to: chatAPI)
    RealtimeController.addPlainRoute(to: chatAPI)
    // Last, so that it only sees requests no route took.
    router.add(middleware: MethodNotAllowedMiddleware(allowed: AllowedMethods(router.routes)))
    return router
}
