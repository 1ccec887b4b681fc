import Foundation
import HummingbirdTesting
import ParleyCore
import ParleyTestSupport
import Testing

/// How the admin lists read what a person types: GET forms, accents and case, names typed into
/// a filter without picking, and pages past the end.
@Suite("Admin search and filters")
struct AdminSearchAndFilterTests {
    typealias List = AdminChatSessionListTests

    @Test func aSearchWithAPlusForASpaceFindsTheTwoWordName() async throws {
        try await AdminTestContext.run { context in
            let world = try await List.makeWorld(context)
            let page = try await context.browser.get("/admin/chat-sessions?search=Bob+Brown")
            #expect(List.listedIDs(page.text) == [world.bobLamp.id])
            #expect(page.text.contains("value=\"Bob Brown\""))
            #expect(!page.text.contains("Bob+Brown"))
        }
    }

    @Test func usersAndProductsSearchesReadAPlusAsASpace() async throws {
        try await AdminTestContext.run { context in
            _ = try await List.makeWorld(context)
            let users = try await context.browser.get("/admin/users?search=Alice+Archer")
            #expect(users.text.contains("Alice Archer"))
            #expect(!users.text.contains("Bob Brown"))
            let products = try await context.browser.get("/admin/products?search=Copper+Kettle")
            #expect(products.text.contains(">Copper Kettle<"))
            #expect(!products.text.contains("Brass Desk Lamp"))
        }
    }

    @Test(arguments: ["CHLOÉ", "chloe", "Chloé", "CHLOE MARTÍN"])
    func searchIgnoresCaseAndAccentsBeyondASCII(_ term: String) async throws {
        try await AdminTestContext.run { context in
            let f = context.fixtures
            let chloe = try await f.user(.customer, name: "Chloé Martin")
            let other = try await f.user(.customer, name: "Claude Morel")
            let vendor = try await f.user(.vendor, name: "Straße Supplies")
            let product = try await f.product(vendor: vendor, name: "Œuvre Poster")
            let session = try await context.chat.chat.createSession(
                productID: product.id, customerID: chloe.id, vendorID: vendor.id)
            _ = try await context.chat.chat.createSession(
                productID: product.id, customerID: other.id, vendorID: vendor.id)
            let encoded = term.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let page = try await context.browser.get("/admin/chat-sessions?search=\(encoded)")
            #expect(List.listedIDs(page.text) == [session.id], "\(term)")
        }
    }

    @Test func sharpSAndLigaturesMatchWhatAPersonTypes() async throws {
        try await AdminTestContext.run { context in
            let f = context.fixtures
            let customer = try await f.user(.customer, name: "Søren Kirk")
            let vendor = try await f.user(.vendor, name: "Straße Supplies")
            let product = try await f.product(vendor: vendor, name: "Œuvre Poster")
            let session = try await context.chat.chat.createSession(
                productID: product.id, customerID: customer.id, vendorID: vendor.id)
            for term in ["strasse", "STRASSE", "oeuvre", "soren"] {
                let page = try await context.browser.get("/admin/chat-sessions?search=\(term)")
                #expect(List.listedIDs(page.text) == [session.id], "\(term)")
            }
            let users = try await context.browser.get("/admin/users?search=SOREN")
            #expect(users.text.contains("Søren Kirk"))
        }
    }

    @Test func aRenamedUserIsFoundByTheNewName() async throws {
        try await AdminTestContext.run { context in
            let user = try await context.fixtures.user(.customer, name: "Plain Name")
            _ = try await UserService(database: context.database, bcryptCost: 4).updateUser(
                id: user.id, name: "Zoë Quinn", email: user.email, role: .customer, password: nil)
            let page = try await context.browser.get("/admin/users?search=ZOE")
            #expect(page.text.contains("Zoë Quinn"))
        }
    }

    @Test func aNameTypedIntoAFilterIsResolvedWhenOnlyOneRecordFits() async throws {
        try await AdminTestContext.run { context in
            let world = try await List.makeWorld(context)
            let response = try await context.browser.get(
                "/admin/chat-sessions?customer=&customer_name=alice+archer&vendor=&vendor_name=&product=&product_name=")
            #expect(response.status == .seeOther)
            #expect(response.location == "/admin/chat-sessions?customer=\(world.alice.id)")
            let page = try await context.browser.get(response.location!)
            #expect(List.listedIDs(page.text) == [world.aliceKettle.id, world.aliceLamp.id])
            #expect(page.text.contains("Customer: Alice Archer"))
        }
    }

    @Test func aPartOfANameThatFitsOneProductIsResolvedToo() async throws {
        try await AdminTestContext.run { context in
            let world = try await List.makeWorld(context)
            let response = try await context.browser.get("/admin/chat-sessions?product=&product_name=kettle")
            #expect(response.location == "/admin/chat-sessions?product=\(world.kettle.id)")
        }
    }

    @Test func anUnknownTypedNameIsRefusedBesideTheFilterAndListsNothing() async throws {
        try await AdminTestContext.run { context in
            _ = try await List.makeWorld(context)
            let page = try await context.browser.get("/admin/chat-sessions?customer=&customer_name=Nobody+Here")
            #expect(page.status == .unprocessableContent)
            #expect(page.text.contains("No customer is called “Nobody Here”. Pick one from the list."))
            #expect(page.text.contains("value=\"Nobody Here\""))
            #expect(List.listedIDs(page.text).isEmpty)
            #expect(page.text.contains("No chat sessions match these filters"))
            #expect(!page.text.contains("No Chat Sessions"))
            let filters = try #require(page.text.range(of: "<details class=\"filters"))
            let tag = page.text[filters.lowerBound...].prefix { $0 != ">" }
            #expect(tag.hasSuffix(" open"), "the filter panel is open to show the error: \(tag)")
        }
    }

    @Test func anAmbiguousTypedNameIsRefused() async throws {
        try await AdminTestContext.run { context in
            _ = try await List.makeWorld(context)
            // Both customers, Alice Archer and Bob Brown, have an "r" in their names.
            let page = try await context.browser.get("/admin/chat-sessions?customer_name=r")
            #expect(page.status == .unprocessableContent)
            #expect(page.text.contains("More than one customer matches “r”"))
            #expect(List.listedIDs(page.text).isEmpty)
        }
    }

    @Test func clearingAFilterBoxDropsItsFilter() async throws {
        try await AdminTestContext.run { context in
            let world = try await List.makeWorld(context)
            let response = try await context.browser.get(
                "/admin/chat-sessions?customer=\(world.alice.id)&customer_name=&unread=1")
            #expect(response.location == "/admin/chat-sessions?unread=1")
        }
    }

    @Test func aPickedNameShownInTheBoxKeepsItsFilter() async throws {
        try await AdminTestContext.run { context in
            let world = try await List.makeWorld(context)
            let page = try await context.browser.get(
                "/admin/chat-sessions?customer=\(world.alice.id)&customer_name=Alice+Archer")
            #expect(page.status == .ok)
            #expect(List.listedIDs(page.text) == [world.aliceKettle.id, world.aliceLamp.id])
        }
    }

    @Test func aPageNumberPastTheEndSaysSoAndLinksToTheLastPage() async throws {
        try await AdminTestContext.run { context in
            _ = try await List.makeWorld(context)
            let page = try await context.browser.get("/admin/chat-sessions?per_page=10&page=7")
            #expect(!page.text.contains("No chat sessions match these filters"))
            #expect(page.text.contains("Page 7 is past the end of these results, which end on page 1."))
            #expect(page.text.contains("href=\"/admin/chat-sessions?per_page=10\">Go to the last page</a>"))
        }
    }
}

@Suite("Admin searches with a NUL")
struct AdminNULSearchTests {
    @Test func aNULInASearchMatchesNothingOnEveryList() async throws {
        try await AdminTestContext.run { context in
            _ = try await AdminChatSessionListTests.makeWorld(context)
            let sessions = try await context.browser.get("/admin/chat-sessions?search=%00")
            #expect(sessions.status == .ok && AdminChatSessionListTests.listedIDs(sessions.text).isEmpty)
            let users = try await context.browser.get("/admin/users?search=%00")
            #expect(users.status == .ok && !users.text.contains("Alice Archer"))
            let lookup = try await context.browser.get(
                "/admin/lookup/users?q=%00", headers: [.accept: "application/json"])
            #expect(lookup.status == .ok && !lookup.text.contains("Alice"))
        }
    }
}
