import Foundation
import ParleyCore
import Testing

@Suite("Mail messages as RFC 5322 bytes")
struct MailMessageTests {
    static let sender = try! MailAddress("reminders@parley.test", displayName: "Parley")
    static let recipient = try! MailAddress("ana@example.test")

    static func message(subject: String = "Unread messages", headers: [MailHeader] = []) throws -> MailMessage {
        try MailMessage(
            from: sender, to: recipient, subject: subject, textBody: "Hello", htmlBody: "<p>Hello</p>",
            messageID: "r-1@parley.test", headers: headers)
    }

    @Test func aLineBreakInAnyHeaderValueOrAddressIsRefused() throws {
        #expect(throws: MailMessageError.invalidHeader(name: "Subject")) {
            try Self.message(subject: "Hi\r\nBcc: victim@example.test")
        }
        #expect(throws: MailMessageError.invalidHeader(name: "Subject")) { try Self.message(subject: "Hi\nthere") }
        #expect(throws: MailMessageError.self) { try MailAddress("ana@example.test\r\nBcc: x@y.test") }
        #expect(throws: MailMessageError.self) { try MailAddress("ana@example.test>\r\nRCPT TO:<x@y.test") }
        #expect(throws: MailMessageError.self) { try MailAddress("ana@example.test", displayName: "Ana\r\nBcc: x@y") }
        #expect(throws: MailMessageError.self) { try MailHeader("X-Note", "a\r\nBcc: x@y.test") }
        #expect(throws: MailMessageError.self) { try MailHeader("X-Note\r\nBcc", "x@y.test") }
        #expect(throws: MailMessageError.self) { try MailHeader("Bcc: x@y.test\r\nX", "1") }
        #expect(throws: MailMessageError.invalidHeader(name: "Bcc")) {
            try Self.message(headers: [MailHeader("Bcc", "x@y.test")])
        }
        #expect(throws: MailMessageError.invalidMessageID) {
            try MailMessage(
                from: Self.sender, to: Self.recipient, subject: "s", textBody: "", htmlBody: "",
                messageID: "a@b>\r\nBcc: <x@y")
        }
    }

    @Test func everyLineEndsWithCRLFAndStaysShort() throws {
        let long = String(repeating: "Ünïcödé ", count: 70)
        let message = try MailMessage(
            from: try MailAddress("a@parley.test", displayName: String(repeating: "Ñame ", count: 30)),
            to: Self.recipient, subject: long, textBody: long + "\r\nsecond\rthird\n", htmlBody: long,
            messageID: "<x@parley.test>")
        let bytes = message.rendered()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(bytes.allSatisfy { $0 < 0x80 })
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        #expect(text.hasSuffix("\r\n"))
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        #expect(text.contains("Message-ID: <x@parley.test>\r\n"))
    }

    @Test func theBoundaryCannotOccurInTheBodies() throws {
        let plain = try Self.message()
        let boundaryLine = String(decoding: plain.rendered(), as: UTF8.self).components(separatedBy: "\r\n")
            .first { $0.hasPrefix("--") }!
        // Bodies that quote the boundary itself still hold it only in encoded form.
        let message = try MailMessage(
            from: Self.sender, to: Self.recipient, subject: "s", textBody: "\(boundaryLine)\n\(boundaryLine)--",
            htmlBody: boundaryLine, messageID: "r-1@parley.test")
        let lines = String(decoding: message.rendered(), as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.filter { $0.hasPrefix(boundaryLine) }.count == 3)
    }

    @Test func theSameMessageRendersToTheSameBytes() throws {
        let date = Date(timeIntervalSince1970: 1_795_000_000)
        func make() throws -> MailMessage {
            try MailMessage(
                from: Self.sender, to: Self.recipient, subject: "Ünread", textBody: "a", htmlBody: "b",
                messageID: "r-1@parley.test", date: date)
        }
        #expect(try make().rendered() == make().rendered())
        #expect(
            String(decoding: try make().rendered(), as: UTF8.self).contains("Date: Wed, 18 Nov 2026 11:06:40 +0000"))
    }

    @Test func addressesAreReadWithOrWithoutAName() throws {
        #expect(
            try MailAddress.parse("Parley <noreply@parley.test>")
                == MailAddress("noreply@parley.test", displayName: "Parley"))
        #expect(try MailAddress.parse("noreply@parley.test") == MailAddress("noreply@parley.test"))
        #expect(try MailAddress.parse("\"Parley, Inc.\" <a@b.test>").displayName == "Parley, Inc.")
        for bad in ["", "Parley", "Parley <>", "a@", "@b", "a b@c.test", "Parley <a@b.test", "a@@b.test"] {
            #expect(throws: MailMessageError.self, "\(bad)") { try MailAddress.parse(bad) }
        }
    }
}
