import Foundation

/// The kinds of event a webhook endpoint can ask for.
public enum WebhookEventType: String, Sendable, CaseIterable, Codable {
    case messageCreated = "message.created"
    case messagesRead = "messages.read"
    case chatSessionCreated = "chat_session.created"
    case chatSessionDeleted = "chat_session.deleted"
    case unreadReminderDue = "unread.reminder_due"

    /// Reads a name as an administrator types it; `message.read` is taken for `messages.read`.
    public init?(name: String) {
        let trimmed = name.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "message.read" {
            self = .messagesRead
        } else if let type = WebhookEventType(rawValue: trimmed) {
            self = type
        } else {
            return nil
        }
    }

    /// The webhook type of a chat event, or nil when webhooks do not carry it.
    public init?(_ event: ChatEvent) {
        switch event {
        case .messageCreated: self = .messageCreated
        case .messagesRead: self = .messagesRead
        case .sessionCreated: self = .chatSessionCreated
        case .sessionDeleted: self = .chatSessionDeleted
        case .messageDeleted, .sessionUpdated, .chatAvailabilityChanged, .accessChanged, .userBanned,
            .moderationQueueChanged:
            return nil
        }
    }

    /// Parses a comma-separated list, without duplicates, in the order of ``allCases``.
    public static func parseList(_ text: String) -> Result<[WebhookEventType], WebhookError> {
        var chosen: Set<WebhookEventType> = []
        for name in text.split(separator: ",") where !name.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let type = WebhookEventType(name: String(name)) else {
                return .failure(.unknownEventType(String(name).trimmingCharacters(in: .whitespaces)))
            }
            chosen.insert(type)
        }
        guard !chosen.isEmpty else { return .failure(.noEventTypes) }
        return .success(allCases.filter(chosen.contains))
    }
}
