import Foundation
import Hummingbird
import ParleyCore

/// Every admin panel address, declared once: routes are registered from these patterns and links
/// and redirects are filled in from the same patterns, so a renamed path cannot leave a dead link.
enum AdminPath {
    static let root = "/admin"
    static let login = "/admin/login"
    static let logout = "/admin/logout"
    static let assets = "/admin/assets"
    static let events = "/admin/events"

    static let chatSessions = "/admin/chat-sessions"
    static let newChatSession = "/admin/chat-sessions/create"
    static let bulkChatSessions = "/admin/chat-sessions/bulk"
    static let exportCSV = "/admin/chat-sessions/export.csv"
    static let exportXLSX = "/admin/chat-sessions/export.xlsx"

    enum Pattern {
        static let chatSession = "/admin/chat-sessions/:id"
        static let editChatSession = "/admin/chat-sessions/:id/edit"
        static let deleteChatSession = "/admin/chat-sessions/:id/delete"
        static let conversation = "/admin/chat-sessions/:id/conversation"
        static let messages = "/admin/chat-sessions/:id/messages"
        static let readMessages = "/admin/chat-sessions/:id/messages/read"
        static let deleteMessage = "/admin/chat-sessions/:id/messages/:messageID/delete"
        static let user = "/admin/users/:id"
        static let editUser = "/admin/users/:id/edit"
        static let userPersonalData = "/admin/users/:id/personal-data.json"
        static let eraseUser = "/admin/users/:id/erase"
        static let product = "/admin/products/:id"
        static let editProduct = "/admin/products/:id/edit"
        static let webhook = "/admin/webhooks/:id"
        static let editWebhook = "/admin/webhooks/:id/edit"
        static let deleteWebhook = "/admin/webhooks/:id/delete"
        static let resendWebhookDelivery = "/admin/webhooks/:id/deliveries/:deliveryID/resend"
        static let moderationCase = "/admin/moderation/:id"
        static let banUser = "/admin/users/:id/ban"
        static let unbanUser = "/admin/users/:id/unban"
    }

    static func chatSession(_ id: Int64) -> String { fill(Pattern.chatSession, id) }
    static func editChatSession(_ id: Int64) -> String { fill(Pattern.editChatSession, id) }
    static func deleteChatSession(_ id: Int64) -> String { fill(Pattern.deleteChatSession, id) }
    static func conversation(_ id: Int64) -> String { fill(Pattern.conversation, id) }
    static func messages(_ sessionID: Int64) -> String { fill(Pattern.messages, sessionID) }
    /// The edit page showing one page of its messages.
    static func messagesPage(_ sessionID: Int64, page: Int) -> String {
        editChatSession(sessionID) + (page > 1 ? "?messages_page=\(page)" : "")
    }
    static func readMessages(_ sessionID: Int64) -> String { fill(Pattern.readMessages, sessionID) }
    static func deleteMessage(_ sessionID: Int64, _ messageID: Int64) -> String {
        fill(fill(Pattern.deleteMessage, messageID, ":messageID"), sessionID)
    }

    static let users = "/admin/users"
    static let newUser = "/admin/users/create"
    static func user(_ id: Int64) -> String { fill(Pattern.user, id) }
    static func editUser(_ id: Int64) -> String { fill(Pattern.editUser, id) }
    static func userPersonalData(_ id: Int64) -> String { fill(Pattern.userPersonalData, id) }
    static func eraseUser(_ id: Int64) -> String { fill(Pattern.eraseUser, id) }

    static let products = "/admin/products"
    static let newProduct = "/admin/products/create"
    static func product(_ id: Int64) -> String { fill(Pattern.product, id) }
    static func editProduct(_ id: Int64) -> String { fill(Pattern.editProduct, id) }

    /// A page of the Users or Products list, with its search.
    static func directory(_ path: String, search: String, page: Int) -> String {
        var parts: [String] = []
        if !search.isEmpty {
            parts.append("search=" + (search.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? ""))
        }
        if page > 1 { parts.append("page=\(page)") }
        return path + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&"))
    }

    static let webhooks = "/admin/webhooks"
    static let newWebhook = "/admin/webhooks/create"
    static func webhook(_ id: Int64) -> String { fill(Pattern.webhook, id) }
    static func editWebhook(_ id: Int64) -> String { fill(Pattern.editWebhook, id) }
    static func deleteWebhook(_ id: Int64) -> String { fill(Pattern.deleteWebhook, id) }
    static func resendWebhookDelivery(_ endpointID: Int64, _ deliveryID: Int64) -> String {
        fill(fill(Pattern.resendWebhookDelivery, deliveryID, ":deliveryID"), endpointID)
    }

    static let moderation = "/admin/moderation"
    static func moderationCase(_ id: Int64) -> String { fill(Pattern.moderationCase, id) }
    static func banUser(_ id: Int64) -> String { fill(Pattern.banUser, id) }
    static func unbanUser(_ id: Int64) -> String { fill(Pattern.unbanUser, id) }
    /// A page of the moderation queue with its filters.
    static func moderationQueue(state: ModerationCaseState?, reason: ModerationReason?, page: Int) -> String {
        var parts: [String] = []
        if let state { parts.append("state=" + state.rawValue) }
        if let reason { parts.append("reason=" + reason.rawValue) }
        if page > 1 { parts.append("page=\(page)") }
        return moderation + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&"))
    }

    static let settings = "/admin/settings"
    static let audit = "/admin/audit"
    static let auditExportCSV = "/admin/audit/export.csv"
    static let userLookup = "/admin/lookup/users"
    static let productLookup = "/admin/lookup/products"

    /// Forms whose handlers show the typed input again when their CSRF token is stale, as
    /// `RouterPath` descriptions (the router's endpoint paths).
    static let formsShownAgain: Set<String> = Set(
        [
            chatSessions, Pattern.chatSession, Pattern.messages, users, Pattern.user, products, Pattern.product,
            webhooks,
            Pattern.webhook,
        ].map { RouterPath($0).description })

    /// The pattern with its `:id` filled in. Plain string slicing: a list page builds four of
    /// these per row, and Foundation's `replacingOccurrences` showed up in its profile.
    private static func fill(_ pattern: String, _ id: Int64, _ name: String = ":id") -> String {
        guard let range = pattern.firstRange(of: name) else { return pattern }
        return pattern[..<range.lowerBound] + String(id) + pattern[range.upperBound...]
    }
}
