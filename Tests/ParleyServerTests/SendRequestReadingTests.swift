import Foundation
import NIOCore
import Testing

@testable import ParleyServer

/// A send's body is read by hand (``HandDecodable``) when it can be, and then exactly as
/// `JSONDecoder` reads it; anything else is left to `JSONDecoder`, whose errors the API reports.
@Suite("Send bodies read by hand")
struct SendRequestReadingTests {
    typealias SendRequest = ChatAPIController.SendRequest

    static func byHand(_ json: String) -> SendRequest? {
        APIJSON.handDecoded(SendRequest.self, from: ByteBuffer(string: json))
    }

    static func byDecoder(_ json: String) -> SendRequest? {
        try? APIJSON.decoder().decode(SendRequest.self, from: Data(json.utf8))
    }

    @Test(arguments: [
        #"{"body":"hello"}"#, #"{"body":"hello","client_message_id":"m-1"}"#,
        #"{"client_message_id":null,"body":"x"}"#, #" { "body" : "spaced" } "#,
        #"{"body":"quote \" backslash \\ slash \/ line\nbreak\ttab"}"#,
        #"{"body":"\u00e9\u0041\ud83d\udc4d","client_message_id":"\u2028"}"#, #"{"body":"déjà vu 👍🏽"}"#,
        #"{"body":""}"#, #"{"body":"<script>alert(1)</script>"}"#,
    ])
    func aPlainSendIsReadByHandAsJSONDecoderReadsIt(_ json: String) throws {
        let hand = try #require(Self.byHand(json))
        let decoded = try #require(Self.byDecoder(json))
        #expect(hand.body == decoded.body)
        #expect(hand.clientMessageId == decoded.clientMessageId)
    }

    @Test(arguments: [
        #"{"body":"a","extra":1}"#, #"{"body":"a","clientMessageId":"camel"}"#, #"{"body":"a","body":"b"}"#,
        #"{"client_message_id":"m-1"}"#, #"{"body":42}"#, #"{"body":"a","client_message_id":7}"#,
        #"{"body":1.5}"#, #"["body"]"#, #""body""#, #"{"body":"a"} trailing"#, #"{"body":"a\ud800"}"#,
        #"{"body":"a","client_message_id":true}"#, "",
    ])
    func anythingElseIsLeftToJSONDecoder(_ json: String) {
        #expect(Self.byHand(json) == nil)
    }

    @Test func invalidUTF8IsLeftToJSONDecoder() {
        var buffer = ByteBuffer(string: #"{"body":""#)
        buffer.writeBytes([0xC3, 0x28])
        buffer.writeString(#""}"#)
        #expect(APIJSON.handDecoded(SendRequest.self, from: buffer) == nil)
    }

    @Test func aTypeWithoutAHandReaderIsLeftToJSONDecoder() {
        #expect(APIJSON.handDecoded(ChatAPIController.ReadRequest.self, from: ByteBuffer(string: "{}")) == nil)
    }
}
