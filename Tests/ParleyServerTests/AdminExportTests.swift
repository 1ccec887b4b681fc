import Foundation
import HummingbirdTesting
import ParleyCore
import ParleyTestSupport
import Testing

@testable import ParleyServer

@Suite("Admin exports")
struct AdminExportTests {
    /// Three sessions whose id order is none of the list's orders: 2 messages, none, and 1.
    static func threeSessions(_ context: AdminTestContext) async throws -> [ChatSession] {
        let chat = context.chat.chat
        var sessions: [ChatSession] = []
        for (name, messages) in [("Mia Moss", 2), ("Abe Ash", 0), ("Zed Zinn", 1)] {
            let customer = try await context.fixtures.user(.customer, name: name)
            let vendor = try await context.fixtures.user(.vendor)
            let product = try await context.fixtures.product(vendor: vendor)
            let session = try await chat.createSession(
                productID: product.id, customerID: customer.id, vendorID: vendor.id)
            for index in 0..<messages {
                _ = try await chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "m\(index)")
            }
            sessions.append(session)
        }
        return sessions
    }

    /// Session ids in the order the list page shows them.
    static func listedIDs(_ html: String) -> [String] {
        html.components(separatedBy: "data-session-id=\"").dropFirst().map { String($0.prefix { $0.isNumber }) }
    }

    /// The first column of a CSV export, header included.
    static func csvFirstColumn(_ response: TestResponse) -> [String] {
        response.text.replacingOccurrences(of: "\u{FEFF}", with: "").components(separatedBy: "\r\n")
            .filter { !$0.isEmpty }.map { String($0.prefix { $0 != "," }) }
    }

    /// The first column of a workbook's sheet, header included: each row's first value.
    static func sheetFirstColumn(_ xml: String) -> [String] {
        xml.components(separatedBy: "<row ").dropFirst().map { row in
            let cell = row.components(separatedBy: "</c>")[0]
            let content = cell.components(separatedBy: "<").last { !$0.hasPrefix("/") } ?? ""
            return String(content.drop { $0 != ">" }.dropFirst())
        }
    }

    static func workbook(_ response: TestResponse) throws -> ZipEntries {
        try ZipEntries(Array(response.body.readableBytesView))
    }

    @Test func exportsFollowTheListSortInBothDirections() async throws {
        try await AdminTestContext.run { context in
            _ = try await Self.threeSessions(context)
            var differsFromIDOrder = false
            for sort in ChatSessionListQuery.SortColumn.allCases {
                for direction in ["asc", "desc"] {
                    let query = "sort=\(sort.rawValue)&dir=\(direction)"
                    let listed = Self.listedIDs(try await context.browser.get("/admin/chat-sessions?\(query)").text)
                    #expect(listed.count == 3)
                    differsFromIDOrder = differsFromIDOrder || listed != listed.sorted { Int($0)! < Int($1)! }
                    let csv = try await context.browser.get("/admin/chat-sessions/export.csv?\(query)")
                    #expect(Array(Self.csvFirstColumn(csv).dropFirst()) == listed, "csv \(query)")
                    let xlsx = try await context.browser.get("/admin/chat-sessions/export.xlsx?\(query)")
                    #expect(
                        Array(Self.sheetFirstColumn(try Self.workbook(xlsx).sheet).dropFirst()) == listed,
                        "xlsx \(query)")
                    // The selected sessions, chosen in another order, come out in the list's.
                    try await context.browser.get("/admin/chat-sessions?\(query)")
                    let selected = try await context.browser.post(
                        "/admin/chat-sessions/bulk",
                        [("action", "export_csv"), ("return_to", "/admin/chat-sessions?\(query)")]
                            + listed.reversed().map { ("ids", $0) })
                    #expect(Array(Self.csvFirstColumn(selected).dropFirst()) == listed, "selected \(query)")
                }
            }
            #expect(differsFromIDOrder)
        }
    }

    @Test(arguments: ChatSessionListQuery.SortColumn.allCases)
    func batchesFollowTheListOrderAcrossBatches(sort: ChatSessionListQuery.SortColumn) async throws {
        try await ChatTestContext.run { context in
            let sizes = BenchSeeder.Sizes(users: 200, products: 40, sessions: 400, messages: 1_500)
            try await BenchSeeder(database: context.database, sizes: sizes).seed()
            let listing = ChatSessionListing(database: context.database)
            for direction in [ChatSessionListQuery.Direction.ascending, .descending] {
                for variant in ["all", "unread", "search"] {
                    var query = ChatSessionListQuery()
                    query.sort = sort
                    query.direction = direction
                    query.hasUnread = variant == "unread"
                    query.search = variant == "search" ? "an" : ""
                    query.perPage = 100
                    var listed: [Int64] = []
                    for page in 1... {
                        query.page = page
                        let rows = try await listing.page(query).rows
                        listed += rows.map(\.id)
                        if rows.count < query.perPage { break }
                    }
                    var exported: [Int64] = []
                    try await listing.forEachBatch(of: query, batchSize: 7) { exported += $0.map(\.id) }
                    #expect(!listed.isEmpty && exported == listed, "\(sort) \(direction) \(variant)")
                    // Chosen sessions keep the list's order too, whatever the filters say.
                    let chosen = listed.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)
                    var exportedChosen: [Int64] = []
                    try await listing.forEachBatch(of: query, ids: chosen.shuffled(), batchSize: 5) {
                        exportedChosen += $0.map(\.id)
                    }
                    #expect(exportedChosen == chosen, "\(sort) \(direction) \(variant) chosen")
                }
            }
        }
    }

    @Test func theIDIsTheFirstColumn() async throws {
        try await AdminTestContext.run { context in
            let sessions = try await Self.threeSessions(context)
            let ids = Set(sessions.map { String($0.id) })
            let csv = Self.csvFirstColumn(try await context.browser.get("/admin/chat-sessions/export.csv"))
            #expect(csv.first == "ID" && Set(csv.dropFirst()) == ids)
            let sheet = try Self.workbook(try await context.browser.get("/admin/chat-sessions/export.xlsx")).sheet
            let column = Self.sheetFirstColumn(sheet)
            #expect(column.first == "ID" && Set(column.dropFirst()) == ids)
            #expect(sheet.contains("<c r=\"B1\" t=\"inlineStr\" s=\"2\"><is><t xml:space=\"preserve\">Product</t>"))
        }
    }

    @Test func theWorkbookIsCompressedWithDeflate() async throws {
        try await AdminTestContext.run { context in
            _ = try await Self.threeSessions(context)
            let response = try await context.browser.get("/admin/chat-sessions/export.xlsx")
            let bytes = Array(response.body.readableBytesView)
            // Every local header names method 8, deflate.
            var headers = 0
            for at in 0..<(bytes.count - 10) where bytes[at..<(at + 4)] == [0x50, 0x4B, 0x03, 0x04] {
                #expect(bytes[at + 8] == 8 && bytes[at + 9] == 0)
                headers += 1
            }
            let archive = try ZipEntries(bytes)
            #expect(headers == 6 && archive.entries.count == 6)
            #expect(archive.entries.allSatisfy { $0.method == 8 })
            #expect(archive.sheet.hasSuffix("</sheetData></worksheet>"))
            #expect(archive["[Content_Types].xml"]?.contains("spreadsheetml.worksheet+xml") == true)
            let unpacked = archive.entries.reduce(0) { $0 + $1.text.utf8.count }
            #expect(bytes.count < unpacked)
        }
    }

    @Test func theWorkbookGivesEveryColumnAWidth() throws {
        let writer = try XLSXStreamWriter(
            sheetName: "Sheet", columns: [SpreadsheetColumn("ID", width: 10), SpreadsheetColumn("Name", width: 32)])
        var bytes = Array(try writer.begin().readableBytesView)
        writer.append([.integer(1), .text("Ann")])
        bytes += try writer.flush().readableBytesView
        bytes += try writer.finish().readableBytesView
        let sheet = try ZipEntries(bytes).sheet
        #expect(
            sheet.contains(
                "<cols><col min=\"1\" max=\"1\" width=\"10\" customWidth=\"1\"/>"
                    + "<col min=\"2\" max=\"2\" width=\"32\" customWidth=\"1\"/></cols><sheetData>"))
    }

    @Test func formulasKeepAnApostropheInCSVAndAreInlineTextInTheWorkbook() async throws {
        try await AdminTestContext.run { context in
            let customer = try await context.fixtures.user(.customer, name: "=HYPERLINK(\"http://evil\")")
            let vendor = try await context.fixtures.user(.vendor, name: "Vendor, Inc.")
            let product = try await context.fixtures.product(vendor: vendor, name: "@SUM(A1)")
            let session = try await context.chat.chat.createSession(
                productID: product.id, customerID: customer.id, vendorID: vendor.id)
            let csv = try await context.browser.get("/admin/chat-sessions/export.csv").text
            #expect(csv.contains("\(session.id),'@SUM(A1),\"'=HYPERLINK(\"\"http://evil\"\")\",\"Vendor, Inc.\","))
            let xlsx = try await context.browser.get("/admin/chat-sessions/export.xlsx")
            let sheet = try Self.workbook(xlsx).sheet
            #expect(sheet.contains("<t xml:space=\"preserve\">@SUM(A1)</t>"))
            #expect(sheet.contains("<t xml:space=\"preserve\">=HYPERLINK(&quot;http://evil&quot;)</t>"))
            #expect(!sheet.contains("&apos;") && !sheet.contains("<f>"))
        }
    }

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
            #expect(lines[0].hasPrefix("ID,Product,Customer,Vendor,Messages Count,Unread Messages,Last Message At"))
            #expect(lines.count == 3 && lines[2].isEmpty)
            #expect(
                lines[1].hasPrefix("\(session.id),'@SUM(A1),\"'=HYPERLINK(\"\"http://evil\"\")\",\"Vendor, Inc.\",1,1,")
            )
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
            #expect(Set(Self.sheetFirstColumn(try ZipEntries(bytes).sheet).dropFirst()) == ["\(a.id)", "\(b.id)"])
        }
    }

    @Test func theWorkbookIsAValidZipWithTheRowsInIt() throws {
        let columns = ["Name", "Count", "When"].map { SpreadsheetColumn($0, width: 12) }
        let writer = try XLSXStreamWriter(sheetName: "Chat Sessions", columns: columns)
        var bytes = Array(try writer.begin().readableBytesView)
        writer.append([.text("<b>Chloé</b>"), .integer(3), .date(Date(timeIntervalSince1970: 0))])
        bytes += try writer.flush().readableBytesView
        writer.append([.text("=1+2"), .integer(-4), .date(nil)])
        bytes += try writer.finish().readableBytesView
        let archive = try ZipEntries(bytes)
        #expect(
            archive.entries.map(\.name) == [
                "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
                "xl/worksheets/sheet1.xml",
            ])
        #expect(archive.sheet.contains("&lt;b&gt;Chloé&lt;/b&gt;"))
        #expect(archive.sheet.contains("<c r=\"A3\" t=\"inlineStr\"><is><t xml:space=\"preserve\">=1+2</t></is></c>"))
        #expect(archive.sheet.contains("<c r=\"C2\" s=\"1\"><v>25569.0</v></c>"))
        #expect(archive["xl/workbook.xml"]?.contains("<sheet name=\"Chat Sessions\"") == true)
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
            let edit = try #require(list.text.range(of: "/edit\" title=\"Edit\">"))
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

    @Test func theEmailRemindersSwitchIsSavedInTheDatabase() async throws {
        try await AdminTestContext.run { context in
            let settings = SettingsService(database: context.database)
            let page = try await context.browser.get("/admin/settings")
            #expect(page.text.contains("Email reminders") && page.text.contains("id=\"email_reminders_enabled\""))
            _ = try await context.browser.post(
                "/admin/settings", [("chat_enabled", "0"), ("chat_enabled", "1"), ("email_reminders_enabled", "0")])
            #expect(try await settings.isEmailRemindersEnabled() == false)
            #expect(try await settings.isChatEnabled())
            #expect(try await context.browser.get("/admin/settings").text.contains("Email reminders are off."))
            _ = try await context.browser.post(
                "/admin/settings",
                [
                    ("chat_enabled", "0"), ("chat_enabled", "1"), ("email_reminders_enabled", "0"),
                    ("email_reminders_enabled", "1"),
                ])
            #expect(try await settings.isEmailRemindersEnabled())
        }
    }

    @Test func aSettingsFormWithoutTheRemindersFieldLeavesThemAsTheyAre() async throws {
        try await AdminTestContext.run { context in
            let settings = SettingsService(database: context.database)
            try await settings.setEmailRemindersEnabled(false)
            _ = try await context.browser.post("/admin/settings", [("chat_enabled", "0"), ("chat_enabled", "1")])
            #expect(try await settings.isEmailRemindersEnabled() == false)
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
