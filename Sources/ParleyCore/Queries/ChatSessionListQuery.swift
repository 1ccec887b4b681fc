/// What the administrators' list of chat sessions shows: search, filters, order and page.
/// Every field has a value in the URL, so a list can be bookmarked and shared.
public struct ChatSessionListQuery: Sendable, Equatable {
    public enum SortColumn: String, Sendable, CaseIterable {
        case product
        case customer
        case vendor
        case messagesCount = "messages_count"
        case lastMessageAt = "last_message_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public enum Direction: String, Sendable {
        case ascending = "asc"
        case descending = "desc"

        public var reversed: Direction { self == .ascending ? .descending : .ascending }
    }

    public static let pageSizes = [10, 25, 50, 100]
    public static let defaultPageSize = 25
    /// Days that count as recent activity.
    public static let recentDays = 7

    public var search: String = ""
    public var customerID: Int64?
    public var vendorID: Int64?
    public var productID: Int64?
    public var hasUnread = false
    public var recentActivity = false
    public var sort: SortColumn = .lastMessageAt
    public var direction: Direction = .descending
    public var page = 1
    public var perPage = ChatSessionListQuery.defaultPageSize

    public init() {}

    public var isFiltered: Bool {
        !search.isEmpty || customerID != nil || vendorID != nil || productID != nil || hasUnread || recentActivity
    }

    public var offset: Int { (page - 1) * perPage }
}
