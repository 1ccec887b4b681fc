import Foundation
import HummingbirdTesting
import ParleyCore
import ParleyTestSupport
import Testing

@testable import ParleyServer

@Suite("Admin exports")
struct AdminExportTests {
    @Test func csvExportOfTheFilteredListNeutralisesFormulas() async throws {
        try await AdminTestContext.run { context in
            let customer = try await context.fixtures.user(.customer, name: "=HYPERLINK(\"http://evil\")")
            let vendor = try await context.fixtures.user(.vendor, name: "Vendor, Inc.")
            let product = try await context.fixtures.product(vendor: vendor, name: "@SUM(A1)")
            let session = try await context.chat.chat.createSession(
                productID: product.id, customerID: customer.id, vendorID: vendor.id)
            _ = try await context.chat.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "hi")
            _ = try await context.fixtures.conversation(chat: context.chat.chat)
            let response = try await context.browser.get("/admin/chat-sessions/export.csv?vendor=\(vendor.id)")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(response.headers[.contentDisposition]?.contains("attachment; filename=\"chat-sessions-") == true)
            let lines = response.text.replacingOccurrences(of: "\u{FEFF}", with: "").components(separatedBy: "\r\n")
            #expect(lines[0].hasPrefix("Product,Customer,Vendor,Messages Count,Unread Messages,Last Message At"))
            #expect(lines.count == 3 && lines[2].isEmpty)
            #expect(lines[1].hasPrefix("'@SUM(A1),\"'=HYPERLINK(\"\"http://evil\"\")\",\"Vendor, Inc.\",1,1,"))
        }
    }

    @Test func bulkExportsOnlyTheSelectedSessions() async throws {
        try await AdminTestContext.run { context in
            let (_, _, first, a) = try await context.fixtures.conversation(chat: context.chat.chat)
            let (_, _, _, b) = try await context.fixtures.conversation(chat: context.chat.chat)
            try await context.browser.get("/admin/chat-sessions")
            let csv = try await context.browser.post(
                "/admin/chat-sessions/bulk", [("action", "export_csv"), ("ids", "\(a.id)")])
            #expect(csv.text.contains(first.name))
            #expect(csv.text.components(separatedBy: "\r\n").count == 3)
            let xlsx = try await context.browser.post(
                "/admin/chat-sessions/bulk", [("action", "export_xlsx"), ("ids", "\(a.id)"), ("ids", "\(b.id)")])
            #expect(xlsx.status == .ok)
            #expect(xlsx.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            let bytes = Array(xlsx.body.readableBytesView)
            // A ZIP archive that ends with its central directory.
            #expect(bytes.prefix(4) == [0x50, 0x4B, 0x03, 0x04])
            #expect(bytes.suffix(22).prefix(4) == [0x50, 0x4B, 0x05, 0x06])
        }
    }

    @Test func theWorkbookIsAValidZipWithTheRowsInIt() throws {
        var writer = XLSXStreamWriter(sheetName: "Chat Sessions", columns: ["Name", "Count", "When"])
        var bytes = writer.begin()
        bytes += writer.row([.text("<b>Chloé</b>"), .integer(3), .date(Date(timeIntervalSince1970: 0))])
        bytes += writer.row([.text("=1+2"), .integer(-4), .date(nil)])
        bytes += writer.finish()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("&lt;b&gt;Chloé&lt;/b&gt;"))
        #expect(text.contains("<t xml:space=\"preserve\">&apos;=1+2</t>"))
        #expect(text.contains("<c r=\"C2\" s=\"1\"><v>25569.0</v></c>"))
        // End of central directory: six entries.
        let end = Array(bytes.suffix(22))
        #expect(end[8] == 6 && end[10] == 6)
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        var crc = CRC32()
        crc.update(Array("123456789".utf8))
        #expect(crc.value == 0xCBF4_3926)
    }

    @Test(arguments: ["=cmd", "+1", "-1", "@x", "\tx", "\rx"])
    func formulaPrefixesAreNeutralised(text: String) {
        #expect(SpreadsheetSafety.neutralised(text) == "'" + text)
        #expect(SpreadsheetSafety.neutralised("plain " + text) == "plain " + text)
    }
}

@Suite("Admin users, products and settings")
struct AdminDirectoryTests {
    @Test func usersAreListedSearchedCreatedAndEdited() async throws {
        try await AdminTestContext.run { context in
            _ = try await context.fixtures.user(.customer, name: "Zora Zimmer")
            let list = try await context.browser.get("/admin/users?search=zora")
            #expect(list.text.contains("<td>Zora Zimmer</td>") && !list.text.contains("<td>Ada Admin</td>"))
            try await context.browser.get("/admin/users/create")
            let bad = try await context.browser.post(
                "/admin/users", [("name", "New"), ("email", "nope"), ("role", "vendor"), ("password", "long-enough")])
            #expect(bad.status == .unprocessableContent && bad.text.contains("is not an email address"))
            #expect(bad.text.contains("value=\"nope\""))
            let created = try await context.browser.post(
                "/admin/users",
                [("name", "Vic Vendor"), ("email", "vic@example.com"), ("role", "vendor"), ("password", "long-enough")])
            #expect(created.status == .seeOther)
            let vic = try #require(
                try await context.database.read { db in try await UserRepository(db).find(email: "vic@example.com") })
            #expect(vic.role == .vendor)
            try await context.browser.get("/admin/users/\(vic.id)/edit")
            let taken = try await context.browser.post(
                "/admin/users/\(vic.id)",
                [("name", "Vic"), ("email", AdminTestContext.adminEmail), ("role", "vendor"), ("password", "")])
            #expect(taken.status == .conflict && taken.text.contains("Another account already uses"))
            let saved = try await context.browser.post(
                "/admin/users/\(vic.id)", [("name", "Victor"), ("email", "vic@example.com"), ("role", "customer")])
            #expect(saved.status == .seeOther)
            let after = try #require(
                try await context.database.read { db in try await UserRepository(db).find(id: vic.id) })
            #expect(after.name == "Victor" && after.role == .customer && after.passwordHash == vic.passwordHash)
        }
    }

    @Test func productsAreCreatedAndEditedWithAVendor() async throws {
        try await AdminTestContext.run { context in
            let vendor = try await context.fixtures.user(.vendor, name: "Vera")
            try await context.browser.get("/admin/products/create")
            let missing = try await context.browser.post("/admin/products", [("name", "Lamp"), ("vendor_id", "")])
            #expect(missing.status == .unprocessableContent && missing.text.contains("Choose the vendor"))
            let blank = try await context.browser.post(
                "/admin/products", [("name", " "), ("vendor_id", "\(vendor.id)")])
            #expect(blank.text.contains("Enter the product&#39;s name."))
            let created = try await context.browser.post(
                "/admin/products", [("name", "Desk Lamp"), ("vendor_id", "\(vendor.id)")])
            #expect(created.status == .seeOther)
            let list = try await context.browser.get("/admin/products?search=desk")
            #expect(list.text.contains("Desk Lamp") && list.text.contains("Vera"))
            let edit = try #require(list.text.range(of: "/edit\">Edit</a>"))
            let id = try #require(
                Int64(String(list.text[..<edit.lowerBound].reversed().prefix { $0.isNumber }.reversed())))
            try await context.browser.get("/admin/products/\(id)/edit")
            _ = try await context.browser.post(
                "/admin/products/\(id)", [("name", "Desk Lamp II"), ("vendor_id", "\(vendor.id)")])
            #expect(try await context.browser.get("/admin/products").text.contains("Desk Lamp II"))
        }
    }

    @Test func theChatSwitchIsSavedInTheDatabase() async throws {
        try await AdminTestContext.run { context in
            let page = try await context.browser.get("/admin/settings")
            #expect(page.text.contains("Enable Chat in Mobile App") && page.text.contains("checked"))
            _ = try await context.browser.post("/admin/settings", [("chat_enabled", "0")])
            #expect(try await SettingsService(database: context.database).isChatEnabled() == false)
            #expect(try await context.browser.get("/admin/settings").text.contains("Chat is off in the mobile app."))
            _ = try await context.browser.post("/admin/settings", [("chat_enabled", "0"), ("chat_enabled", "1")])
            #expect(try await SettingsService(database: context.database).isChatEnabled())
        }
    }

    @Test func longConversationsArePagedOnTheEditPage() async throws {
        try await AdminTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            for index in 1...55 {
                _ = try await context.chat.chat.sendMessage(
                    sessionID: session.id, senderID: customer.id, body: "message number \(index).")
            }
            let first = try await context.browser.get("/admin/chat-sessions/\(session.id)/edit")
            #expect(first.text.contains("message number 50.") && !first.text.contains("message number 51."))
            #expect(first.text.contains("?messages_page=2#messages"))
            let second = try await context.browser.get("/admin/chat-sessions/\(session.id)/edit?messages_page=2")
            #expect(second.text.contains("message number 55.") && !second.text.contains("message number 50."))
        }
    }
}
