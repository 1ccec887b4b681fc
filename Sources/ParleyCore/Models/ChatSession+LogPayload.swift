import Foundation

/// A session written for the log by hand, in the form `ChatSession+Codable` writes.
extension ChatSession {
    func appendLogJSON(to json: inout String) {
        json += #"{"id":\#(id),"product_id":\#(productID),"customer_id":\#(customerID),"vendor_id":\#(vendorID)"#
        if let lastMessageAt { json += #","last_message_at":\#(lastMessageAt.epochMilliseconds)"# }
        json += #","messages_count":\#(messagesCount),"unread_count":\#(unreadCount)"#
        json += #","customer_unread_count":\#(customerUnreadCount),"vendor_unread_count":\#(vendorUnreadCount)"#
        json += #","created_at":\#(createdAt.epochMilliseconds),"updated_at":\#(updatedAt.epochMilliseconds)}"#
    }
}
