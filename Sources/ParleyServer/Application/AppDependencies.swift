import ParleyCore

/// The long-lived objects every controller draws on, built once per application.
public struct AppDependencies: Sendable {
    public let database: Database
    public let events: any ChatEventBus
    public let chat: ChatService
    public let users: UserService
    /// System settings; changes publish on ``events``.
    public let settings: SettingsService
    public let moderation: ModerationService
    /// Devices registered for push.
    public let devices: DeviceService
    /// Muted conversations and each user's choice of email reminders.
    public let preferences: NotificationPreferenceService
    /// Each user's send limit on the API; nil for none.
    public let sendRateLimit: SendRateLimit?
    /// What `GET /metrics` shows; a fresh set per application unless given one.
    public let metrics: ParleyMetrics
    /// Reminder timing, email links and webhook retries.
    public let notifications: NotificationConfiguration
    /// Webhook endpoints and their deliveries.
    public let webhooks: WebhookService
    /// Where reminder emails go; nil sends none.
    public let mailer: SMTPClient?
    /// The audit log of administrators' actions.
    public let audit: AuditTrail
    /// Exports and erases what Parley holds about one user.
    public let personalData: PersonalDataService

    /// Without `events`, the bus that fits the database (``Database/makeEventBus(logger:)``); the
    /// application runs it when it is a service.
    public init(
        database: Database, events: (any ChatEventBus)? = nil, bcryptCost: UInt8 = 12,
        sendRateLimit: SendRateLimit? = .standard, metrics: ParleyMetrics = ParleyMetrics(),
        notifications: NotificationConfiguration = .init(), mailer: SMTPClient? = nil
    ) {
        let events = events ?? database.makeEventBus()
        self.database = database
        self.sendRateLimit = sendRateLimit
        self.events = events
        self.metrics = metrics
        self.notifications = notifications
        self.mailer = mailer
        self.webhooks = WebhookService(database: database, configuration: notifications)
        (events as? PostgresEventBus)?.observeLag { [metrics] in metrics.recordBusLag(seconds: $0) }
        self.chat = ChatService(database: database, events: events, metrics: metrics)
        self.users = UserService(database: database, events: events, bcryptCost: bcryptCost)
        self.settings = SettingsService(database: database, events: events)
        self.moderation = ModerationService(database: database, events: events)
        self.devices = DeviceService(database: database)
        self.preferences = NotificationPreferenceService(database: database)
        self.audit = AuditTrail(database: database)
        self.personalData = PersonalDataService(database: database, events: events)
    }
}
