import Foundation

/// A session as the event log stores it, in the same form as ``ChatMessage``'s.
extension ChatSession: Codable {
    enum CodingKeys: String, CodingKey {
        case id, productID = "product_id", customerID = "customer_id", vendorID = "vendor_id"
        case lastMessageAt = "last_message_at", messagesCount = "messages_count", unreadCount = "unread_count"
        case customerUnreadCount = "customer_unread_count", vendorUnreadCount = "vendor_unread_count"
        case createdAt = "created_at", updatedAt = "updated_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int64.self, forKey: .id)
        productID = try container.decode(Int64.self, forKey: .productID)
        customerID = try container.decode(Int64.self, forKey: .customerID)
        vendorID = try container.decode(Int64.self, forKey: .vendorID)
        lastMessageAt = try container.decodeIfPresent(Int64.self, forKey: .lastMessageAt)
            .map(Date.init(epochMilliseconds:))
        messagesCount = try container.decode(Int64.self, forKey: .messagesCount)
        unreadCount = try container.decode(Int64.self, forKey: .unreadCount)
        customerUnreadCount = try container.decode(Int64.self, forKey: .customerUnreadCount)
        vendorUnreadCount = try container.decode(Int64.self, forKey: .vendorUnreadCount)
        createdAt = Date(epochMilliseconds: try container.decode(Int64.self, forKey: .createdAt))
        updatedAt = Date(epochMilliseconds: try container.decode(Int64.self, forKey: .updatedAt))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(productID, forKey: .productID)
        try container.encode(customerID, forKey: .customerID)
        try container.encode(vendorID, forKey: .vendorID)
        try container.encodeIfPresent(lastMessageAt?.epochMilliseconds, forKey: .lastMessageAt)
        try container.encode(messagesCount, forKey: .messagesCount)
        try container.encode(unreadCount, forKey: .unreadCount)
        try container.encode(customerUnreadCount, forKey: .customerUnreadCount)
        try container.encode(vendorUnreadCount, forKey: .vendorUnreadCount)
        try container.encode(createdAt.epochMilliseconds, forKey: .createdAt)
        try container.encode(updatedAt.epochMilliseconds, forKey: .updatedAt)
    }
}
