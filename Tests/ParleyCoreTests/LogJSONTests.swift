import Foundation
@testable import ParleyCore
import Testing

/// The hand-written reader of logged events (``LogJSON``) against what `JSONEncoder` writes and
/// `JSONDecoder` reads back: the same events, and nil (the caller then falls back) for anything
/// outside what the log holds.
@Suite("Logged events written and read by hand")
struct LogJSONTests {
    static let session = try! JSONDecoder().decode(
        ChatSession.self,
        from: Data(
            """
            {"id":7,"product_id":3,"customer_id":11,"vendor_id":12,"last_message_at":1700000000123,
             "messages_count":4,"unread_count":2,"customer_unread_count":0,"vendor_unread_count":2,
             "created_at":1699000000000,"updated_at":1700000000456}
            """.utf8))

    static func message(body: String, flags: [MessageFlag] = [], original: String? = nil) -> ChatMessage {
        ChatMessage(
            id: 99, sessionID: 7, senderID: 11, senderRole: .customer, body: body, readAt: nil,
            createdAt: Date(epochMilliseconds: 1_700_000_000_123), clientMessageID: "c-1", flags: flags,
            originalBody: original)
    }

    static var everyKind: [ChatEvent] {
        var unsent = session
        unsent.lastMessageAt = nil
        var read = message(body: "seen")
        read.readAt = Date(epochMilliseconds: 1_700_000_001_000)
        read.clientMessageID = nil
        return [
            .messageCreated(message(body: "Is it oak?"), session: session),
            .messageCreated(
                message(body: "call ***", flags: [.contactDetails], original: "call 555"), session: session),
            .messageCreated(read, session: unsent),
            .messagesRead(session: session, readerID: 12, count: 2, upToMessageID: 99),
            .messagesRead(session: session, readerID: nil, count: 0, upToMessageID: nil),
            .messageDeleted(messageID: 99, session: session),
            .sessionCreated(unsent),
            .sessionUpdated(session, previous: unsent),
            .sessionDeleted(session),
            .chatAvailabilityChanged(enabled: false),
            .accessChanged(userID: 11),
            .userBanned(userID: 12),
            .moderationQueueChanged,
        ]
    }

    static func encoded(_ event: ChatEvent) throws -> String {
        String(decoding: try JSONEncoder().encode(event), as: UTF8.self)
    }

    @Test func everyKindOfEventReadsAsJSONDecoderReadsIt() throws {
        for event in Self.everyKind {
            let text = try Self.encoded(event)
            let json = try #require(LogJSON.parse(text), "\(text)")
            #expect(ChatEvent(logJSON: json) == event)
            #expect(try JSONDecoder().decode(ChatEvent.self, from: Data(text.utf8)) == event)
        }
    }

    @Test(arguments: [
        "plain", "", "quote \" and backslash \\ and slash /", "line\nbreak\ttab\r\u{8}\u{C}", "control \u{1} \u{1F}",
        "accents: déjà vu, Grüße", "emoji 👍🏽 and 𝄞", "<script>alert(1)</script>", "\u{2028}\u{2029}",
    ])
    func bodiesComeBackAsTheyWereWritten(body: String) throws {
        let event = ChatEvent.messageCreated(Self.message(body: body), session: Self.session)
        let text = try Self.encoded(event)
        #expect(LogJSON.parse(text).flatMap(ChatEvent.init(logJSON:)) == event)
    }

    @Test func theHandWrittenPayloadOfEveryKindReadsBackWithBothReaders() throws {
        for event in Self.everyKind {
            let payload = event.logPayload
            #expect(LogJSON.parse(payload).flatMap(ChatEvent.init(logJSON:)) == event, "\(payload)")
            #expect(try JSONDecoder().decode(ChatEvent.self, from: Data(payload.utf8)) == event, "\(payload)")
        }
    }

    @Test(arguments: [
        "plain", "quote \" and backslash \\", "line\nbreak\ttab\r\u{8}\u{C}\u{7F}", "control \u{1} \u{1F}",
        "emoji 👍🏽 and 𝄞", "\u{2028}\u{2029}", "</script><script>",
    ])
    func aHandWrittenBodyReadsBackWithBothReaders(body: String) throws {
        let event = ChatEvent.messageCreated(
            Self.message(body: body, flags: [.contactDetails, .system], original: body + "!"), session: Self.session)
        let payload = event.logPayload
        #expect(LogJSON.parse(payload).flatMap(ChatEvent.init(logJSON:)) == event)
        #expect(try JSONDecoder().decode(ChatEvent.self, from: Data(payload.utf8)) == event)
    }

    @Test func anObjectNamingAKeyTwiceIsLeftToJSONDecoder() {
        #expect(LogJSON.parse(#"{"body":"a","body":"b"}"#) == nil)
        #expect(LogJSON.parse(#"{"a":{"b":1,"b":1}}"#) == nil)
        #expect(LogJSON.parse(#"{"body":"a","other":{"body":"b"}}"#) != nil)
    }

    @Test func escapesJSONEncoderDoesNotWriteAreReadToo() {
        #expect(LogJSON.parse(#""\u00e9\u0041\ud83d\udc4d\/""#) == .string("éA👍/"))
        #expect(
            LogJSON.parse(#" { "a" : [ 1 , -2 , true , false , null ] } "#)
                == .object(["a": .array([.integer(1), .integer(-2), .bool(true), .bool(false), .null])]))
        #expect(LogJSON.parse("-9223372036854775808") == .integer(.min))
        #expect(LogJSON.parse("9223372036854775807") == .integer(.max))
    }

    @Test(arguments: [
        "1.5", "1e3", "01", "-", "9223372036854775808", "\"open", "\"bad \\x escape\"", "\"lone \\ud83d\"",
        "\"low \\udc4d first\"", "\"raw \n newline\"", "{\"a\":1,}", "[1,]", "{\"a\" 1}", "tru", "nul", "1 2",
        "{} x", String(repeating: "[", count: 70) + String(repeating: "]", count: 70),
    ])
    func whatTheLogNeverHoldsIsLeftToJSONDecoder(text: String) {
        #expect(LogJSON.parse(text) == nil)
    }

    @Test func anEventOfAnUnknownShapeFallsBackAndAnUnreadableOneThrows() throws {
        // A fraction where an integer belongs: the reader declines, JSONDecoder takes it.
        var text = try Self.encoded(.accessChanged(userID: 11))
        text = text.replacingOccurrences(of: "11", with: "11.0")
        #expect(LogJSON.parse(text) == nil)
        #expect(try ChatEvent.decode(logPayload: text) == .accessChanged(userID: 11))
        #expect(throws: (any Error).self) { try ChatEvent.decode(logPayload: #"{"type":"no.such"}"#) }
    }

    @Test func anAnnouncementCarriesItsEvents() throws {
        let payloads = try Self.everyKind.map(Self.encoded)
        let payload =
            EventAnnouncement.opening(origin: "abc") + "5,\"b\":17"
            + EventAnnouncement.closing(createdAt: 1_700_000_000_000, payloads: payloads)
        let announcement = try #require(EventAnnouncement.read(payload))
        #expect(announcement.o == "abc" && announcement.a == 5 && announcement.b == 17)
        #expect(announcement.e == Self.everyKind)
        let bare = EventAnnouncement.opening(origin: "abc") + "5,\"b\":17" + #","t":1}"#
        #expect(EventAnnouncement.read(bare)?.e == nil)
    }
}
