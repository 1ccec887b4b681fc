import Foundation
import ParleyCore

/// The API's payloads. They are their own types, never the storage rows, so the schema can change
/// without changing what clients see.
enum APIModel {
    struct UserRef: Codable, Sendable {
        let id: Int64
        let name: String
    }

    struct CurrentUser: Codable, Sendable {
        let id: Int64
        let name: String
        let email: String
        let role: String

        init(_ user: User) {
            id = user.id
            name = user.name
            email = user.email
            role = user.role.rawValue
        }
    }

    struct ProductRef: Codable, Sendable {
        let id: Int64
        let name: String
    }

    struct Message: Codable, Sendable {
        let id: Int64
        let chatSessionId: Int64
        let senderId: Int64
        let senderRole: String
        let body: String
        let clientMessageId: String?
        let readAt: Date?
        let createdAt: Date
        let flags: [String]

        init(_ message: ChatMessage) {
            id = message.id
            chatSessionId = message.sessionID
            senderId = message.senderID
            senderRole = message.senderRole.rawValue
            body = message.body
            clientMessageId = message.clientMessageID
            readAt = message.readAt
            createdAt = message.createdAt
            flags = message.flags.map(\.rawValue)
        }
    }

    struct LastMessage: Codable, Sendable {
        let id: Int64
        let senderId: Int64
        let preview: String
        let createdAt: Date
    }

    struct ChatSession: Codable, Sendable {
        let id: Int64
        let product: ProductRef
        let customer: UserRef
        let vendor: UserRef
        let lastMessageAt: Date?
        let lastMessage: LastMessage?
        let messagesCount: Int64
        let unreadCount: Int64
        /// Whether the caller muted it (never, for a session they only read).
        let muted: Bool
        /// Whether the caller blocked the other participant, or was blocked by them.
        let blockedByMe: Bool
        let blockedByOther: Bool
        let createdAt: Date
        let updatedAt: Date

        /// The session as `viewerID` sees it: unread counts what waits for them.
        init(_ summary: ParticipantChatSummary, viewerID: Int64) {
            let session = summary.session
            id = session.id
            product = ProductRef(id: session.productID, name: summary.productName)
            customer = UserRef(id: session.customerID, name: summary.customerName)
            vendor = UserRef(id: session.vendorID, name: summary.vendorName)
            lastMessageAt = session.lastMessageAt
            lastMessage = summary.lastMessage.map {
                LastMessage(
                    id: $0.id, senderId: $0.senderID, preview: String($0.body.prefix(140)), createdAt: $0.createdAt)
            }
            messagesCount = session.messagesCount
            unreadCount = session.role(of: viewerID) == nil ? session.unreadCount : session.unreadCount(for: viewerID)
            muted = summary.isMuted
            blockedByMe = summary.isBlockedByReader
            blockedByOther = summary.isBlockedByOther
            createdAt = session.createdAt
            updatedAt = session.updatedAt
        }
    }

    struct Device: Codable, Sendable {
        let platform: String
        let token: String
        let createdAt: Date

        init(_ device: ParleyCore.Device) {
            platform = device.platform.rawValue
            token = device.token
            createdAt = device.createdAt
        }
    }

    struct Preferences: Codable, Sendable {
        let emailReminders: Bool

        init(_ preferences: NotificationPreferences) {
            emailReminders = preferences.emailReminders
        }
    }

    struct Page<Item: Codable & Sendable>: Codable, Sendable {
        let data: [Item]
        let nextCursor: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(data, forKey: .data)
            // Present as null on the last page, so clients can rely on the key.
            try container.encode(nextCursor, forKey: .nextCursor)
        }
    }
}
