import Foundation
import ParleyCore
import Testing

@testable import ParleyServer

@Suite("Message JSON written by hand")
struct MessageJSONTests {
    static let bodies = [
        "Plain words", #"Quotes " and back\slashes \"#, "Lines\nand\ttabs\r\n", "Controls \u{01}\u{08}\u{0C}\u{1F}",
        "Emoji 🎧 and accents é, ü, 漢字", "</script><script>alert(1)</script>", "Slash / and \u{2028} separator",
    ]

    @Test(arguments: bodies)
    func itMatchesWhatTheEncoderWrites(body: String) throws {
        let created = Date(timeIntervalSince1970: 1_795_000_000.123)
        for (clientID, readAt) in [(nil, nil), (Optional("c-1 \"x\""), Optional(created.addingTimeInterval(61)))] {
            let message = ChatMessage(
                id: 42, sessionID: 7, senderID: 3, senderRole: .vendor, body: body, readAt: readAt,
                createdAt: created, clientMessageID: clientID)
            let byHand = MessageJSON.encode(message)
            let byEncoder = String(decoding: try APIJSON.encoder().encode(APIModel.Message(message)), as: UTF8.self)
            #expect(byHand == byEncoder)
            let event = try #require(
                try JSONSerialization.jsonObject(with: Data(MessageJSON.createdEvent(message).utf8)) as? [String: Any])
            #expect(event["type"] as? String == "message.created")
            #expect((event["data"] as? [String: Any])?["body"] as? String == body)
        }
    }

    @Test(arguments: [[MessageFlag](), [.contactDetails], [.system], [.contactDetails, .system]])
    func flagsAreWrittenAsTheEncoderWritesThem(flags: [MessageFlag]) throws {
        let message = ChatMessage(
            id: 1, sessionID: 2, senderID: 3, senderRole: .customer, body: "b", readAt: nil, createdAt: Date(),
            clientMessageID: nil, flags: flags)
        let byEncoder = String(decoding: try APIJSON.encoder().encode(APIModel.Message(message)), as: UTF8.self)
        #expect(MessageJSON.encode(message) == byEncoder)
    }

    @Test func theTextAsWrittenNeverReachesParticipants() throws {
        let message = ChatMessage(
            id: 1, sessionID: 2, senderID: 3, senderRole: .customer, body: "call [contact details hidden]",
            readAt: nil, createdAt: Date(), clientMessageID: nil, flags: [.contactDetails],
            originalBody: "call 0412 345 678")
        for json in [
            MessageJSON.encode(message), MessageJSON.createdEvent(message),
            String(decoding: try APIJSON.encoder().encode(APIModel.Message(message)), as: UTF8.self),
        ] {
            #expect(!json.contains("0412"))
            #expect(!json.contains("original"))
        }
    }
}
