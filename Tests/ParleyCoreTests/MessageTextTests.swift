import Foundation
@testable import ParleyCore
import ParleyTestSupport
import Testing

/// What a message body may hold, on both engines: what is stored is what is read back.
@Suite("Message text")
struct MessageTextTests {
    static let controls = ["a\u{0}b", "a\u{1}b", "bell\u{7}", "del\u{7F}", "c1\u{85}x", "\u{0}"]

    @Test(arguments: controls)
    func controlCharactersAreRefused(_ body: String) async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            await #expect(throws: ChatError.controlCharacters) {
                try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: body)
            }
            #expect(try await context.fixtures.messages(in: session.id).isEmpty)
        }
    }

    static let invisible = [
        "\u{2060}", "\u{FEFF}", "\u{200C}\u{200B}", "\u{3164}", "\u{2800}", "\u{E0041}\u{E0042}", " \u{00AD} ",
    ]

    @Test(arguments: invisible)
    func invisibleOnlyTextCountsAsEmpty(_ body: String) async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            await #expect(throws: ChatError.emptyBody) {
                try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: body)
            }
        }
    }

    @Test func tabsLineBreaksAndJoinedEmojiAreKeptAsWritten() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let body = "Size?\r\n\tM or L 👩‍👩‍👧 \u{200D}ok"
            let sent = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: body)
            let stored = try await context.fixtures.messages(in: session.id)
            #expect(sent.body == "Size?\n\tM or L 👩‍👩‍👧 \u{200D}ok")
            #expect(stored.map(\.body) == [sent.body])
        }
    }

    @Test func theLengthLimitCountsCodePointsAsTheDocumentSays() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            // 👍🏽 is one character on screen but two code points.
            let thumbs = String(repeating: "👍🏽", count: 2_500)
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: thumbs)
            await #expect(throws: ChatError.bodyTooLong(length: 5_002, limit: 5_000)) {
                try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: thumbs + "👍🏽")
            }
        }
    }

    @Test func theLengthLimitCountsTheBodyAsSentBeforeTrimming() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            // Over the limit as sent, under it once the leading spaces are trimmed: still too long,
            // as the document's maxLength says (schemathesis found the difference).
            let padded = String(repeating: " ", count: 10) + String(repeating: "a", count: 4_995)
            await #expect(throws: ChatError.bodyTooLong(length: 5_005, limit: 5_000)) {
                try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: padded)
            }
        }
    }

    @Test func aClientMessageIDWithAControlCharacterIsRefused() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            await #expect(throws: ChatError.invalidClientMessageID(limit: ChatService.maximumClientMessageIDLength)) {
                try await context.chat.send(
                    sessionID: session.id, senderID: customer.id, body: "hi", clientMessageID: "id\u{0}1")
            }
        }
    }

    /// Every scalar Foundation counts as white space or a line break, and a few it does not.
    static let edges: [String] = {
        let spaces = (0...0x3000).compactMap(Unicode.Scalar.init).filter { $0.properties.isWhitespace }
        let near = ["\u{200B}", "\u{FEFF}", "\u{180E}", "x", "é", "\u{1F600}", ""]
        return spaces.map { String($0) } + near
    }()

    @Test func trimmingMatchesFoundationsWhiteSpaceAndNewlines() {
        var samples = ["", "  ", "a", " a ", "\n\ta b\r\n", "\u{3000}日本\u{3000}", "a\u{200B}", "\u{FEFF}a"]
        for edge in Self.edges {
            samples += [edge, edge + "a" + edge, "a" + edge, edge + "a", edge + edge + "x y" + edge]
        }
        for sample in samples {
            #expect(
                MessageText.trimmed(sample) == sample.trimmingCharacters(in: .whitespacesAndNewlines),
                "\(sample.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }
}
