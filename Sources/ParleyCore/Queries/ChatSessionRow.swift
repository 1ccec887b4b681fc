import Foundation
import SQLKit

/// One line of the administrators' list: a session with the names it refers to.
public struct ChatSessionRow: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var productID: Int64
    public var productName: String
    public var customerID: Int64
    public var customerName: String
    public var vendorID: Int64
    public var vendorName: String
    public var messagesCount: Int64
    public var unreadCount: Int64
    public var lastMessageAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    init(row: any SQLRow) throws {
        id = try row.int64("id")
        productID = try row.int64("product_id")
        productName = try row.string("product_name")
        customerID = try row.int64("customer_id")
        customerName = try row.string("customer_name")
        vendorID = try row.int64("vendor_id")
        vendorName = try row.string("vendor_name")
        messagesCount = try row.int64("messages_count")
        unreadCount = try row.int64("unread_count")
        lastMessageAt = try row.optionalDate("last_message_at")
        createdAt = try row.date("created_at")
        updatedAt = try row.date("updated_at")
    }
}

/// One page of the list and how many sessions match in all.
public struct ChatSessionPage: Sendable, Equatable {
    public var rows: [ChatSessionRow]
    /// Matching sessions, counted up to ``ChatSessionListing/countLimit`` (less for broad searches).
    public var total: Int
    /// True when more sessions match than were counted.
    public var totalIsCapped: Bool

    /// No rows at all.
    public static let empty = ChatSessionPage(rows: [], total: 0, totalIsCapped: false)
}
