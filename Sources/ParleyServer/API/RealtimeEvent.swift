import Foundation
import ParleyCore

/// What the realtime socket sends: `{"type": "message.created", "data": {…}}`.
enum RealtimeEvent {
    struct SessionRef: Encodable {
        let id: Int64
        let productId: Int64
        let customerId: Int64
        let vendorId: Int64
        let lastMessageAt: Date?
        let messagesCount: Int64

        init(_ session: ChatSession) {
            id = session.id
            productId = session.productID
            customerId = session.customerID
            vendorId = session.vendorID
            lastMessageAt = session.lastMessageAt
            messagesCount = session.messagesCount
        }
    }

    struct MessagesRead: Encodable {
        let chatSessionId: Int64
        /// Nil when an administrator marked them read.
        let readerId: Int64?
        let count: Int64
        let upToMessageId: Int64?
    }

    struct MessageDeleted: Encodable {
        let chatSessionId: Int64
        let messageId: Int64
    }

    /// The event as one JSON text, encoded once for all its recipients; nil for events that are
    /// not sent to clients.
    static func json(for event: ChatEvent) -> String? {
        // New messages are the bulk of the traffic; they skip the encoder.
        if case .messageCreated(let message, _) = event { return MessageJSON.createdEvent(message) }
        guard let type = type(of: event), let data = data(for: event) else { return nil }
        return #"{"data":"# + data + #","type":""# + type + #""}"#
    }

    /// The `type` clients see; nil for events that are not sent to them.
    static func type(of event: ChatEvent) -> String? {
        switch event {
        case .messageCreated: "message.created"
        case .messagesRead: "messages.read"
        case .messageDeleted: "message.deleted"
        case .sessionCreated: "session.created"
        case .sessionUpdated: "session.updated"
        case .sessionDeleted: "session.deleted"
        case .chatAvailabilityChanged, .accessChanged, .userBanned, .moderationQueueChanged: nil
        }
    }

    /// The event's `data` object as JSON text; webhooks send the same.
    static func data(for event: ChatEvent) -> String? {
        let encoder = APIJSON.encoder()
        let data: Data?
        switch event {
        case .messageCreated(let message, _):
            return MessageJSON.encode(message)
        case .messagesRead(let session, let readerID, let count, let upTo):
            data = try? encoder.encode(
                MessagesRead(chatSessionId: session.id, readerId: readerID, count: count, upToMessageId: upTo))
        case .messageDeleted(let messageID, let session):
            data = try? encoder.encode(MessageDeleted(chatSessionId: session.id, messageId: messageID))
        case .sessionCreated(let session), .sessionUpdated(let session, _), .sessionDeleted(let session):
            data = try? encoder.encode(SessionRef(session))
        case .chatAvailabilityChanged, .accessChanged, .userBanned, .moderationQueueChanged:
            data = nil
        }
        return data.map { String(decoding: $0, as: UTF8.self) }
    }
}
