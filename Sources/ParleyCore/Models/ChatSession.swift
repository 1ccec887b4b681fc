import Foundation
import SQLKit

/// One conversation between a customer and a vendor about one product.
///
/// The counters are stored in the row so list pages never count messages; ``ChatService`` keeps
/// them equal to what `chat_messages` holds, and `parley doctor` checks that they are.
public struct ChatSession: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var productID: Int64
    public var customerID: Int64
    public var vendorID: Int64
    public var lastMessageAt: Date?
    public var messagesCount: Int64
    /// Unread messages in either direction.
    public var unreadCount: Int64
    /// Messages from the vendor that the customer has not read.
    public var customerUnreadCount: Int64
    /// Messages from the customer that the vendor has not read.
    public var vendorUnreadCount: Int64
    public var createdAt: Date
    public var updatedAt: Date

    static let columns = """
        id, product_id, customer_id, vendor_id, last_message_at, messages_count, unread_count, \
        customer_unread_count, vendor_unread_count, created_at, updated_at
        """

    init(row: any SQLRow) throws {
        id = try row.int64("id")
        productID = try row.int64("product_id")
        customerID = try row.int64("customer_id")
        vendorID = try row.int64("vendor_id")
        lastMessageAt = try row.optionalDate("last_message_at")
        messagesCount = try row.int64("messages_count")
        unreadCount = try row.int64("unread_count")
        customerUnreadCount = try row.int64("customer_unread_count")
        vendorUnreadCount = try row.int64("vendor_unread_count")
        createdAt = try row.date("created_at")
        updatedAt = try row.date("updated_at")
    }

    /// The session once `messages` (all of them its own) are added: one more message and one more
    /// unread for its recipient each, and `sentAt` as the time of the last message and of the change.
    func recording(_ messages: [ChatMessage], at sentAt: Date) -> ChatSession {
        var session = self
        for message in messages {
            session.messagesCount += 1
            session.unreadCount += 1
            switch message.senderRole {
            case .vendor: session.customerUnreadCount += 1
            case .customer: session.vendorUnreadCount += 1
            }
        }
        // Stored to the millisecond, as the row will hold it.
        let stamp = Date(epochMilliseconds: sentAt.epochMilliseconds)
        if !messages.isEmpty { (session.lastMessageAt, session.updatedAt) = (stamp, stamp) }
        return session
    }

    /// The side `userID` takes in this conversation, or nil when they are not part of it.
    public func role(of userID: Int64) -> ParticipantRole? {
        participants.role(of: userID)
    }

    public var participants: ChatParticipants { ChatParticipants(customerID: customerID, vendorID: vendorID) }

    /// How many messages wait for `userID` to read them.
    public func unreadCount(for userID: Int64) -> Int64 {
        switch role(of: userID) {
        case .customer: customerUnreadCount
        case .vendor: vendorUnreadCount
        case nil: 0
        }
    }

    public func participantID(_ role: ParticipantRole) -> Int64 {
        switch role {
        case .customer: customerID
        case .vendor: vendorID
        }
    }
}
