/// Every address outside the admin panel, declared once: the API's paths (relative to
/// ``API/base``, as its router group registers them), the web chat, health, metrics and the home page.
/// Admin addresses are in ``AdminPath``.
enum AppPath {
    static let home = "/"
    static let health = "/healthz"
    static let metrics = "/metrics"
    static let chat = "/chat"
    static let chatAssets = "/chat/assets"
    static let openAPIDocument = API.base + "/" + API.openAPIDocument

    /// The mobile app's API, `/api/v1/…`.
    enum API {
        static let base = "/api/v1"
        static let openAPIDocument = "openapi.json"
        static let config = "config"
        static let authToken = "auth/token"
        static let chatSessions = "chat-sessions"
        static let chatSession = "chat-sessions/:id"
        static let messages = "chat-sessions/:id/messages"
        static let read = "chat-sessions/:id/read"
        static let mute = "chat-sessions/:id/mute"
        static let block = "chat-sessions/:id/block"
        static let reports = "chat-sessions/:id/reports"
        static let unreadCount = "unread-count"
        static let products = "products"
        static let realtime = "realtime"
        static let devices = "devices"
        static let device = "devices/:token"
        static let preferences = "me/preferences"
    }
}
