import ParleyCore

/// The long-lived objects every controller draws on, built once per application.
public struct AppDependencies: Sendable {
    public let database: Database
    public let events: any ChatEventBus
    public let chat: ChatService
    public let users: UserService
    /// System settings; changes publish on ``events``.
    public let settings: SettingsService
    /// Each user's send limit on the API; nil for none.
    public let sendRateLimit: SendRateLimit?
    /// What `GET /metrics` shows; a fresh set per application unless given one.
    public let metrics: ParleyMetrics

    public init(
        database: Database, events: any ChatEventBus = InProcessEventBus(), bcryptCost: UInt8 = 12,
        sendRateLimit: SendRateLimit? = .standard, metrics: ParleyMetrics = ParleyMetrics()
    ) {
        self.database = database
        self.sendRateLimit = sendRateLimit
        self.events = events
        self.metrics = metrics
        self.chat = ChatService(database: database, events: events, metrics: metrics)
        self.users = UserService(database: database, bcryptCost: bcryptCost)
        self.settings = SettingsService(database: database, events: events)
    }
}
