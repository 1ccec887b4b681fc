import Foundation

/// A logged session read through ``LogJSON``: the form `ChatSession+Codable` writes.
extension ChatSession {
    init?(logJSON json: LogJSON) {
        guard let id = json["id"]?.integer, let productID = json["product_id"]?.integer,
            let customerID = json["customer_id"]?.integer, let vendorID = json["vendor_id"]?.integer,
            let lastMessageAt = (json["last_message_at"] ?? .null).optionalInteger,
            let messagesCount = json["messages_count"]?.integer, let unreadCount = json["unread_count"]?.integer,
            let customerUnread = json["customer_unread_count"]?.integer,
            let vendorUnread = json["vendor_unread_count"]?.integer,
            let createdAt = json["created_at"]?.integer, let updatedAt = json["updated_at"]?.integer
        else { return nil }
        self.id = id
        self.productID = productID
        self.customerID = customerID
        self.vendorID = vendorID
        self.lastMessageAt = lastMessageAt.map(Date.init(epochMilliseconds:))
        self.messagesCount = messagesCount
        self.unreadCount = unreadCount
        customerUnreadCount = customerUnread
        vendorUnreadCount = vendorUnread
        self.createdAt = Date(epochMilliseconds: createdAt)
        self.updatedAt = Date(epochMilliseconds: updatedAt)
    }
}
