import Foundation
import HummingbirdTesting
import ParleyCore
import ParleyTestSupport
import SQLKit
import Testing

@Suite("Admin chat session list")
struct AdminChatSessionListTests {
    /// Three conversations with known names, counts and times.
    struct World {
        let alice: User
        let bob: User
        let vendor: User
        let otherVendor: User
        let lamp: Product
        let kettle: Product
        let aliceLamp: ChatSession
        let bobLamp: ChatSession
        let aliceKettle: ChatSession
    }

    static func makeWorld(_ context: AdminTestContext) async throws -> World {
        let f = context.fixtures
        let alice = try await f.user(.customer, name: "Alice Archer")
        let bob = try await f.user(.customer, name: "Bob Brown")
        let vendor = try await f.user(.vendor, name: "Lumen Lights")
        let otherVendor = try await f.user(.vendor, name: "Kettle Co")
        let lamp = try await f.product(vendor: vendor, name: "Brass Desk Lamp with an Extra Long Adjustable Arm")
        let kettle = try await f.product(vendor: otherVendor, name: "Copper Kettle")
        let chat = context.chat.chat
        let aliceLamp = try await chat.createSession(productID: lamp.id, customerID: alice.id, vendorID: vendor.id)
        let bobLamp = try await chat.createSession(productID: lamp.id, customerID: bob.id, vendorID: vendor.id)
        let aliceKettle = try await chat.createSession(
            productID: kettle.id, customerID: alice.id, vendorID: otherVendor.id)
        // bobLamp: 3 messages, read; aliceKettle: 1 unread, and the newest; aliceLamp: none.
        for text in ["a", "b", "c"] {
            _ = try await chat.sendMessage(sessionID: bobLamp.id, senderID: bob.id, body: text)
        }
        try await chat.markRead(sessionID: bobLamp.id, readerID: vendor.id)
        try await context.database.write { db in
            let monthAgo = Date().addingTimeInterval(-30 * 86_400).epochMilliseconds
            try await db.raw(
                "UPDATE chat_sessions SET last_message_at = \(bind: monthAgo) WHERE id = \(bind: bobLamp.id)"
            ).run()
        }
        try await Task.sleep(for: .milliseconds(5))
        _ = try await chat.sendMessage(sessionID: aliceKettle.id, senderID: alice.id, body: "Is it copper?")
        return World(
            alice: alice, bob: bob, vendor: vendor, otherVendor: otherVendor, lamp: lamp, kettle: kettle,
            aliceLamp: aliceLamp, bobLamp: bobLamp, aliceKettle: aliceKettle)
    }

    /// Session ids in the order the page lists them.
    static func listedIDs(_ html: String) -> [Int64] {
        html.components(separatedBy: "data-session-id=\"").dropFirst().compactMap { Int64($0.prefix { $0.isNumber }) }
    }

    @Test func anEmptyDatabaseSaysNoChatSessions() async throws {
        try await AdminTestContext.run { context in
            let page = try await context.browser.get("/admin/chat-sessions")
            #expect(page.status == .ok)
            #expect(page.text.contains("No Chat Sessions"))
            #expect(!page.text.contains("data-session-id"))
        }
    }

    @Test func theDefaultOrderIsNewestMessageFirstWithSilentSessionsLast() async throws {
        try await AdminTestContext.run { context in
            let world = try await Self.makeWorld(context)
            let page = try await context.browser.get("/admin/chat-sessions")
            #expect(Self.listedIDs(page.text) == [world.aliceKettle.id, world.bobLamp.id, world.aliceLamp.id])
            #expect(page.text.contains("Showing 1 to 3 of 3 results"))
        }
    }

    @Test func rowsShowTheColumnsWithBadgesAndTimes() async throws {
        try await AdminTestContext.run { context in
            let world = try await Self.makeWorld(context)
            let html = try await context.browser.get("/admin/chat-sessions").text
            // Product names are cut to 30 characters, with the full name on hover.
            #expect(html.contains("title=\"\(world.lamp.name)\">Brass Desk Lamp with an Extra…</td>"))
            #expect(html.contains("<span class=\"badge badge--info\">3</span>"))
            #expect(html.contains("<span class=\"badge badge--warning\">1</span>"))
            #expect(html.contains("<span class=\"badge badge--success\">0</span>"))
            // 30 days are four whole weeks, as Filament would say.
            #expect(html.contains(">4 weeks ago</time>"))
            #expect(html.contains("No messages"))
            #expect(html.contains("table__col--optional\"><time"))
            // The sidebar badge counts every unread message (recounted within moments of a change).
            var badge: Int?
            for _ in 0..<40 where badge != 1 {
                badge = try await UnreadBadgeProbe(context.browser).value()
                if badge != 1 { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(badge == 1)
        }
    }

    @Test func searchMatchesProductCustomerAndVendorNamesWithoutRegardToCase() async throws {
        try await AdminTestContext.run { context in
            let world = try await Self.makeWorld(context)
            let byProduct = try await context.browser.get("/admin/chat-sessions?search=copper")
            #expect(Self.listedIDs(byProduct.text) == [world.aliceKettle.id])
            let byCustomer = try await context.browser.get("/admin/chat-sessions?search=BOB")
            #expect(Self.listedIDs(byCustomer.text) == [world.bobLamp.id])
            let byVendor = try await context.browser.get("/admin/chat-sessions?search=lumen")
            #expect(Set(Self.listedIDs(byVendor.text)) == [world.aliceLamp.id, world.bobLamp.id])
            let wildcard = try await context.browser.get("/admin/chat-sessions?search=%25")
            #expect(Self.listedIDs(wildcard.text).isEmpty)
            #expect(wildcard.text.contains("No chat sessions match these filters"))
            #expect(wildcard.text.contains("reset the filters"))
        }
    }

    @Test func eachFilterNarrowsTheListAndShowsARemovableChip() async throws {
        try await AdminTestContext.run { context in
            let world = try await Self.makeWorld(context)
            let browser = context.browser
            let customer = try await browser.get("/admin/chat-sessions?customer=\(world.alice.id)")
            #expect(Self.listedIDs(customer.text) == [world.aliceKettle.id, world.aliceLamp.id])
            #expect(customer.text.contains("Customer: Alice Archer"))
            let vendor = try await browser.get("/admin/chat-sessions?vendor=\(world.vendor.id)")
            #expect(Self.listedIDs(vendor.text) == [world.bobLamp.id, world.aliceLamp.id])
            let product = try await browser.get("/admin/chat-sessions?product=\(world.kettle.id)")
            #expect(Self.listedIDs(product.text) == [world.aliceKettle.id])
            let unread = try await browser.get("/admin/chat-sessions?unread=1")
            #expect(Self.listedIDs(unread.text) == [world.aliceKettle.id])
            #expect(unread.text.contains("title=\"Remove this filter\">Has unread messages <svg"))
            let recent = try await browser.get("/admin/chat-sessions?recent=1")
            #expect(Self.listedIDs(recent.text) == [world.aliceKettle.id])
            let combined = try await browser.get(
                "/admin/chat-sessions?customer=\(world.alice.id)&unread=1&sort=product&dir=asc")
            #expect(Self.listedIDs(combined.text) == [world.aliceKettle.id])
            // Removing one chip keeps the others.
            #expect(
                combined.text.contains(
                    "href=\"/admin/chat-sessions?customer=\(world.alice.id)&amp;sort=product&amp;dir=asc\""))
        }
    }

    @Test(arguments: [
        ("product", "asc"), ("product", "desc"), ("customer", "asc"), ("customer", "desc"), ("vendor", "asc"),
        ("vendor", "desc"), ("messages_count", "asc"), ("messages_count", "desc"), ("last_message_at", "asc"),
        ("created_at", "desc"), ("updated_at", "asc"),
    ])
    func sortingByAColumnOrdersTheRows(column: String, direction: String) async throws {
        try await AdminTestContext.run { context in
            let w = try await Self.makeWorld(context)
            let ids = Self.listedIDs(
                try await context.browser.get("/admin/chat-sessions?sort=\(column)&dir=\(direction)").text)
            let ascending: [Int64] =
                switch column {
                // Brass… < Copper…; within a product, by customer id.
                case "product": [w.aliceLamp.id, w.bobLamp.id, w.aliceKettle.id]
                // Alice < Bob; within a person, newest first.
                case "customer": [w.aliceKettle.id, w.aliceLamp.id, w.bobLamp.id]
                // Kettle Co < Lumen Lights.
                case "vendor": [w.aliceKettle.id, w.bobLamp.id, w.aliceLamp.id]
                case "messages_count": [w.aliceLamp.id, w.aliceKettle.id, w.bobLamp.id]
                case "last_message_at": [w.aliceLamp.id, w.bobLamp.id, w.aliceKettle.id]
                case "created_at": [w.aliceLamp.id, w.bobLamp.id, w.aliceKettle.id]
                default: [w.aliceLamp.id, w.bobLamp.id, w.aliceKettle.id]
                }
            #expect(ids == (direction == "asc" ? ascending : ascending.reversed()), "\(column) \(direction)")
        }
    }

    @Test func headersSortAscendingFirstThenDescending() async throws {
        try await AdminTestContext.run { context in
            _ = try await Self.makeWorld(context)
            let first = try await context.browser.get("/admin/chat-sessions")
            #expect(first.text.contains("href=\"/admin/chat-sessions?sort=product&amp;dir=asc\""))
            #expect(first.text.contains("aria-sort=\"descending\""))
            let sorted = try await context.browser.get("/admin/chat-sessions?sort=product&dir=asc")
            #expect(sorted.text.contains("href=\"/admin/chat-sessions?sort=product&amp;dir=desc\""))
        }
    }

    @Test func paginationShowsTheRangeAndKeepsTheState() async throws {
        try await AdminTestContext.run { context in
            let vendor = try await context.fixtures.user(.vendor)
            let product = try await context.fixtures.product(vendor: vendor)
            for _ in 0..<27 {
                let customer = try await context.fixtures.user(.customer)
                _ = try await context.chat.chat.createSession(
                    productID: product.id, customerID: customer.id, vendorID: vendor.id)
            }
            let second = try await context.browser.get("/admin/chat-sessions?per_page=10&page=2&search=Product")
            #expect(second.text.contains("Showing 11 to 20 of 27 results"))
            #expect(Self.listedIDs(second.text).count == 10)
            #expect(
                second.text.contains(
                    "href=\"/admin/chat-sessions?search=Product&amp;per_page=10&amp;page=3\" rel=\"next\""))
            #expect(second.text.contains("<option value=\"10\" selected>"))
            let last = try await context.browser.get("/admin/chat-sessions?per_page=25&page=2")
            #expect(last.text.contains("Showing 26 to 27 of 27 results"))
            #expect(!last.text.contains("rel=\"next\""))
        }
    }

    @Test func userDataIsEscaped() async throws {
        try await AdminTestContext.run { context in
            let customer = try await context.fixtures.user(.customer, name: "<b>Mallory</b>")
            let vendor = try await context.fixtures.user(.vendor)
            let product = try await context.fixtures.product(vendor: vendor, name: "<script>alert(1)</script>")
            let session = try await context.chat.chat.createSession(
                productID: product.id, customerID: customer.id, vendorID: vendor.id)
            _ = try await context.chat.chat.sendMessage(
                sessionID: session.id, senderID: customer.id, body: "<script>alert(1)</script>")
            for path in [
                "/admin/chat-sessions", "/admin/chat-sessions/\(session.id)/edit",
                "/admin/chat-sessions/\(session.id)/conversation?fragment=1",
                "/admin/chat-sessions?search=%3Cscript%3E",
            ] {
                let html = try await context.browser.get(path).text
                #expect(!html.contains("<script>alert(1)</script>"), "\(path)")
                #expect(!html.contains("<b>Mallory</b>"), "\(path)")
            }
            #expect(try await context.browser.get("/admin/chat-sessions").text.contains("&lt;b&gt;Mallory&lt;/b&gt;"))
        }
    }

    @Test func theConversationPreviewListsMessagesWithSendersAndTimes() async throws {
        try await AdminTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            _ = try await context.chat.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "Question?")
            _ = try await context.chat.chat.sendMessage(sessionID: session.id, senderID: vendor.id, body: "Answer!")
            let fragment = try await context.browser.get("/admin/chat-sessions/\(session.id)/conversation?fragment=1")
            #expect(fragment.status == .ok)
            #expect(!fragment.text.contains("<html"))
            let question = try #require(fragment.text.range(of: "Question?"))
            let answer = try #require(fragment.text.range(of: "Answer!"))
            #expect(question.lowerBound < answer.lowerBound)
            #expect(fragment.text.contains(customer.name) && fragment.text.contains(vendor.name))
            #expect(fragment.text.range(of: #"\d+ seconds? ago"#, options: .regularExpression) != nil)
            let page = try await context.browser.get("/admin/chat-sessions/\(session.id)/conversation")
            #expect(page.text.contains("<html") && page.text.contains("Answer!"))
        }
    }

    @Test func unknownIdsAnswerANotFoundPage() async throws {
        try await AdminTestContext.run { context in
            for path in [
                "/admin/chat-sessions/999999/edit", "/admin/chat-sessions/abc/edit",
                "/admin/chat-sessions/424242/conversation", "/admin/users/777777/edit", "/admin/products/888888/edit",
            ] {
                let response = try await context.browser.get(path)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.text.contains("Not found") && response.text.contains("sidebar"), "\(path)")
            }
        }
    }

    @Test func lookupsServeTheSearchableDropdowns() async throws {
        try await AdminTestContext.run { context in
            let world = try await Self.makeWorld(context)
            let users = try await context.browser.get("/admin/lookup/users?q=ali&role=customer")
            #expect(users.headers[.contentType] == "application/json")
            #expect(
                users.text.contains("\"label\":\"Alice Archer\"") && users.text.contains("\"id\":\(world.alice.id)"))
            let vendors = try await context.browser.get("/admin/lookup/users?q=ali&role=vendor")
            #expect(!vendors.text.contains("Alice"))
            let products = try await context.browser.get("/admin/lookup/products?q=kettle")
            #expect(products.text.contains("\"vendor_id\":\(world.otherVendor.id)"))
            #expect(products.text.contains("\"vendor_name\":\"Kettle Co\""))
        }
    }

    @Test func theBadgeFollowsMessagesSentThroughTheService() async throws {
        try await AdminTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            let badge = UnreadBadgeProbe(context.browser)
            #expect(try await badge.value() == nil)
            _ = try await context.chat.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "One")
            _ = try await context.chat.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "Two")
            var seen: Int?
            for _ in 0..<50 where seen != 2 {
                try await Task.sleep(for: .milliseconds(50))
                seen = try await badge.value()
            }
            #expect(seen == 2)
        }
    }
}

/// Reads the sidebar badge off the list page; nil when it is hidden.
struct UnreadBadgeProbe {
    let browser: AdminTestClient

    init(_ browser: AdminTestClient) {
        self.browser = browser
    }

    func value() async throws -> Int? {
        let html = try await browser.get("/admin/chat-sessions").text
        guard let range = html.range(of: "data-live-badge") else { return nil }
        let rest = html[range.upperBound...]
        let tag = rest.prefix { $0 != ">" }
        if tag.contains(" hidden") { return nil }
        return Int(rest.dropFirst(tag.count + 1).prefix { $0.isNumber })
    }
}
