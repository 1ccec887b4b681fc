import Foundation
import Hummingbird
import ParleyCore

/// The list's whole state lives in its URL: read it leniently (a bad value falls back to the
/// default) and write it back with only what differs from the defaults.
extension ChatSessionListQuery {
    init(form: FormData) {
        self.init()
        func value(_ name: String) -> String? {
            form[name]?.trimmingCharacters(in: .whitespaces)
        }
        search = value("search") ?? ""
        customerID = value("customer").flatMap { Int64($0) }
        vendorID = value("vendor").flatMap { Int64($0) }
        productID = value("product").flatMap { Int64($0) }
        hasUnread = value("unread") == "1"
        recentActivity = value("recent") == "1"
        if let sort = value("sort").flatMap(SortColumn.init(rawValue:)) { self.sort = sort }
        if let direction = value("dir").flatMap(Direction.init(rawValue:)) {
            self.direction = direction
        } else if value("sort") != nil {
            direction = sort == .lastMessageAt ? .descending : .ascending
        }
        if let size = value("per_page").flatMap({ Int($0) }), Self.pageSizes.contains(size) { perPage = size }
        if let page = value("page").flatMap({ Int($0) }), page >= 1, page <= 100_000 { self.page = page }
    }

    /// The query's fields as URL parameters, defaults left out.
    var parameters: [(String, String)] {
        var result: [(String, String)] = []
        if !search.isEmpty { result.append(("search", search)) }
        if let customerID { result.append(("customer", String(customerID))) }
        if let vendorID { result.append(("vendor", String(vendorID))) }
        if let productID { result.append(("product", String(productID))) }
        if hasUnread { result.append(("unread", "1")) }
        if recentActivity { result.append(("recent", "1")) }
        let defaults = ChatSessionListQuery()
        if sort != defaults.sort || direction != defaults.direction {
            result.append(("sort", sort.rawValue))
            result.append(("dir", direction.rawValue))
        }
        if perPage != defaults.perPage { result.append(("per_page", String(perPage))) }
        if page != 1 { result.append(("page", String(page))) }
        return result
    }

    func url(path: String = AdminPath.chatSessions) -> String {
        let query = parameters.map { name, value in
            name + "=" + (value.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? "")
        }.joined(separator: "&")
        return query.isEmpty ? path : path + "?" + query
    }

    func with(_ change: (inout ChatSessionListQuery) -> Void) -> ChatSessionListQuery {
        var copy = self
        change(&copy)
        return copy
    }
}

extension CharacterSet {
    /// Characters that may stand unescaped in a query parameter's value.
    static let urlQueryValueAllowed: CharacterSet = {
        // ASCII only: `CharacterSet.alphanumerics` would let "é" through unescaped.
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~")
        return allowed
    }()
}
