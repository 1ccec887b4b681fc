/// The kind of record an audited action touched (`audit_log.target_type`).
public enum AuditTarget: String, Sendable, CaseIterable {
    case none = ""
    case chatSession = "chat_session"
    case chatMessage = "chat_message"
    case user = "user"
    case product = "product"
    case settings = "settings"
    case webhookEndpoint = "webhook_endpoint"
    case webhookDelivery = "webhook_delivery"
    case auditLog = "audit_log"
    case moderationCase = "moderation_case"
}
