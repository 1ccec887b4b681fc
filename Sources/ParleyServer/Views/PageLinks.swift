/// The fixed addresses templates link to, filled from ``AdminPath`` and ``AppPath`` so that no
/// template spells out a path of its own.
struct PageLinks {
    let chatSessions = AdminPath.chatSessions
    let newChatSession = AdminPath.newChatSession
    let bulkChatSessions = AdminPath.bulkChatSessions
    let users = AdminPath.users
    let newUser = AdminPath.newUser
    let products = AdminPath.products
    let newProduct = AdminPath.newProduct
    let settings = AdminPath.settings
    let moderation = AdminPath.moderation
    let webhooks = AdminPath.webhooks
    let audit = AdminPath.audit
    let newWebhook = AdminPath.newWebhook
    let login = AdminPath.login
    let logout = AdminPath.logout
    let events = AdminPath.events
    let stylesheet = AdminPath.assets + "/admin.css"
    let script = AdminPath.assets + "/admin.js"
    let chatStylesheet = AppPath.chatAssets + "/chat.css"
    let chatScript = AppPath.chatAssets + "/chat.js"
}
