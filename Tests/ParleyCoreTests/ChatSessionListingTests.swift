import Foundation
import ParleyCore
import ParleyTestSupport
import SQLKit
import Testing

/// The list query takes different routes for different searches and orders; whichever it takes,
/// the answer must equal a plain filter-and-sort of every session.
@Suite("Chat session list query")
struct ChatSessionListingTests {
    struct Expected {
        let id: Int64
        let product: String
        let customer: String
        let vendor: String
        let productID: Int64
        let customerID: Int64
        let vendorID: Int64
        let messages: Int64
        let unread: Int64
        let last: Int64?
    }

    static func everything(_ database: Database) async throws -> [Expected] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT s.id, p.name AS product, c.name AS customer, v.name AS vendor, s.product_id, s.customer_id,
                    s.vendor_id, s.messages_count, s.unread_count, s.last_message_at
                FROM chat_sessions s JOIN products p ON p.id = s.product_id JOIN users c ON c.id = s.customer_id
                JOIN users v ON v.id = s.vendor_id
                """
            ).all().map { row in
                Expected(
                    id: try row.decode(column: "id", as: Int64.self),
                    product: try row.decode(column: "product", as: String.self),
                    customer: try row.decode(column: "customer", as: String.self),
                    vendor: try row.decode(column: "vendor", as: String.self),
                    productID: try row.decode(column: "product_id", as: Int64.self),
                    customerID: try row.decode(column: "customer_id", as: Int64.self),
                    vendorID: try row.decode(column: "vendor_id", as: Int64.self),
                    messages: try row.decode(column: "messages_count", as: Int64.self),
                    unread: try row.decode(column: "unread_count", as: Int64.self),
                    last: try row.decode(column: "last_message_at", as: Int64?.self))
            }
        }
    }

    static func matches(_ row: Expected, _ term: String) -> Bool {
        term.isEmpty
            || [row.product, row.customer, row.vendor].contains { $0.range(of: term, options: .caseInsensitive) != nil }
    }

    @Test(arguments: ["", "a", "oak", "Classic", "berg", "Atlas", "zzz", "%", "O'Brien"])
    func searchesAgreeWithAPlainFilter(term: String) async throws {
        try await ChatTestContext.run { context in
            // 1,200 products: a one-letter search matches more than a thousand, which takes the
            // walking route; a rarer word takes the collecting route.
            let sizes = BenchSeeder.Sizes(users: 400, products: 1_200, sessions: 3_000, messages: 9_000)
            try await BenchSeeder(database: context.database, sizes: sizes).seed()
            let all = try await Self.everything(context.database)
            let listing = ChatSessionListing(database: context.database)
            var query = ChatSessionListQuery()
            query.search = term
            query.sort = .messagesCount
            query.direction = .descending
            query.perPage = 100
            let expected = all.filter { Self.matches($0, term) }
                .sorted { ($0.messages, $0.id) > ($1.messages, $1.id) }
            var listed: [Int64] = []
            for page in 1...3 {
                query.page = page
                listed += try await listing.page(query).rows.map(\.id)
            }
            #expect(listed == Array(expected.prefix(300).map(\.id)), "search \(term)")
            query.page = 1
            let first = try await listing.page(query)
            let (total, capped) = (first.total, first.totalIsCapped)
            if expected.count <= ChatSessionListing.searchCountLimit || term.isEmpty {
                #expect(total == expected.count && !capped, "search \(term)")
            } else {
                // A broad search stops counting early: "1,000+".
                #expect(capped && total == ChatSessionListing.searchCountLimit, "search \(term)")
            }
        }
    }

    @Test(arguments: ChatSessionListQuery.SortColumn.allCases)
    func everyOrderPagesThroughEverySessionOnce(sort: ChatSessionListQuery.SortColumn) async throws {
        try await ChatTestContext.run { context in
            let sizes = BenchSeeder.Sizes(users: 200, products: 40, sessions: 600, messages: 3_000)
            try await BenchSeeder(database: context.database, sizes: sizes).seed()
            let listing = ChatSessionListing(database: context.database)
            for direction in [ChatSessionListQuery.Direction.ascending, .descending] {
                for unread in [false, true] {
                    var query = ChatSessionListQuery()
                    query.sort = sort
                    query.direction = direction
                    query.hasUnread = unread
                    query.perPage = 50
                    var seen: [ChatSessionRow] = []
                    for page in 1...20 {
                        query.page = page
                        seen += try await listing.page(query).rows
                    }
                    let all = try await Self.everything(context.database).filter { !unread || $0.unread > 0 }
                    #expect(Set(seen.map(\.id)) == Set(all.map(\.id)), "\(sort) \(direction)")
                    #expect(seen.count == all.count, "\(sort) \(direction): a row was listed twice")
                    let keys: [String] = seen.map { row in
                        switch sort {
                        case .product: row.productName
                        case .customer: row.customerName
                        case .vendor: row.vendorName
                        case .messagesCount: String(format: "%010d", row.messagesCount)
                        case .lastMessageAt: String(format: "%015d", row.lastMessageAt?.epochMilliseconds ?? -1)
                        case .createdAt: String(format: "%015d", row.createdAt.epochMilliseconds)
                        case .updatedAt: String(format: "%015d", row.updatedAt.epochMilliseconds)
                        }
                    }
                    let ordered = direction == .ascending ? keys.sorted() : keys.sorted(by: >)
                    // Name sorts compare by the database's collation; compare sets of adjacent
                    // inversions only for the numeric keys, where both agree.
                    if ![.product, .customer, .vendor, .lastMessageAt].contains(sort) {
                        #expect(keys == ordered, "\(sort) \(direction)")
                    }
                }
            }
        }
    }

    @Test func filtersCombineAndCountsAreExactBelowTheCap() async throws {
        try await ChatTestContext.run { context in
            let sizes = BenchSeeder.Sizes(users: 200, products: 40, sessions: 600, messages: 3_000)
            try await BenchSeeder(database: context.database, sizes: sizes).seed()
            let all = try await Self.everything(context.database)
            let sample = try #require(all.first)
            var query = ChatSessionListQuery()
            query.vendorID = sample.vendorID
            query.hasUnread = true
            query.perPage = 100
            let page = try await ChatSessionListing(database: context.database).page(query)
            let expected = all.filter { $0.vendorID == sample.vendorID && $0.unread > 0 }
            #expect(Set(page.rows.map(\.id)) == Set(expected.map(\.id)))
            #expect(page.total == expected.count && !page.totalIsCapped)
        }
    }

    /// The name sorts walk only users marked as taking part on that side (migration 0012): a
    /// session must mark its users however it comes to name them.
    static func listedInOrder(
        of sort: ChatSessionListQuery.SortColumn, _ context: ChatTestContext
    ) async throws -> [Int64] {
        var query = ChatSessionListQuery()
        query.sort = sort
        query.perPage = 100
        return try await ChatSessionListing(database: context.database).page(query).rows.map(\.id)
    }

    @Test func aNewSessionIsListedInTheOrderOfItsCustomerAndOfItsVendor() async throws {
        try await ChatTestContext.run { context in
            let (_, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            #expect(try await Self.listedInOrder(of: .customer, context) == [session.id])
            #expect(try await Self.listedInOrder(of: .vendor, context) == [session.id])
        }
    }

    @Test func aSessionMovedToOtherUsersIsListedInTheirOrder() async throws {
        try await ChatTestContext.run { context in
            let (_, _, product, session) = try await context.fixtures.conversation(chat: context.chat)
            // Never on these sides of a session before.
            let customer = try await context.fixtures.user(.customer, name: "Aaron Newcomer")
            let vendor = try await context.fixtures.user(.vendor, name: "Aardvark Goods")
            _ = try await context.chat.updateSession(
                id: session.id, productID: product.id, customerID: customer.id, vendorID: vendor.id,
                lastMessageAt: nil)
            #expect(try await Self.listedInOrder(of: .customer, context) == [session.id])
            #expect(try await Self.listedInOrder(of: .vendor, context) == [session.id])
        }
    }
}
