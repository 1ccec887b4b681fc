import Foundation
import Hummingbird
import HummingbirdTesting
@testable import ParleyCore
import ParleyTestSupport
import Testing

/// The OpenAPI document and the server say the same thing, so schemathesis (.ci/schemathesis.sh)
/// finds no request the document allows and the server refuses, or the other way round.
@Suite("OpenAPI document and server agree")
struct OpenAPIAgreementTests {
    /// The committed document (the one the server serves), parsed; read from the source tree, so
    /// the tests that only read it need no database.
    static func document() throws -> [String: Any] {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/ParleyServer/Resources/OpenAPI/openapi.json")
        let object = try JSONSerialization.jsonObject(with: try Data(contentsOf: file))
        return try #require(object as? [String: Any])
    }

    /// The object at a JSON pointer ("paths/~1api~1v1~1config/get"); empty when there is none.
    static func schema(_ document: [String: Any], _ pointer: String) -> [String: Any] {
        var node: Any = document
        for key in pointer.split(separator: "/") {
            node = (node as? [String: Any])?[key.replacingOccurrences(of: "~1", with: "/")] ?? [:]
        }
        return node as? [String: Any] ?? [:]
    }

    static func parameter(_ document: [String: Any], _ path: String, _ name: String) -> [String: Any] {
        let parameters = schema(document, "paths/\(path)/get")["parameters"] as? [[String: Any]] ?? []
        return parameters.first { $0["name"] as? String == name } ?? [:]
    }

    /// Whether `pattern` matches `text` as JSON Schema (ECMA-262) reads it: ICU's `$` also matches
    /// before a final line terminator (VT, FF, NEL among them), so a closing `$` becomes `\z`.
    static func matches(_ pattern: String, _ text: String) throws -> Bool {
        let ecma = pattern.hasSuffix("$") ? pattern.dropLast() + "\\z" : pattern
        let regex = try NSRegularExpression(pattern: ecma)
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    @Test func theMessageBodyPatternNamesExactlyTheCharactersMessageTextCountsAsInvisible() throws {
        let body = Self.schema(try Self.document(), "components/schemas/SendMessage/properties/body")
        let pattern = try #require(body["pattern"] as? String)
        // The characters beyond ASCII that count as empty are one class, the pattern's first group.
        let start = try #require(pattern.range(of: "|(")).upperBound
        let end = try #require(pattern.range(of: "))*")).lowerBound
        let invisible = String(pattern[start..<end])
        var blank = String.UnicodeScalarView()
        var visible = String.UnicodeScalarView()
        for value in UInt32(0xA0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value), !MessageText.isRefusedControl(scalar) else { continue }
            if MessageText.isBlank(scalar) { blank.append(scalar) } else { visible.append(scalar) }
        }
        #expect(try Self.matches("^(?:\(invisible))+$", String(blank)))
        #expect(try !Self.matches(invisible, String(visible)))
    }

    @Test func theMessageBodyPatternAcceptsWhatTheServerAccepts() throws {
        let body = Self.schema(try Self.document(), "components/schemas/SendMessage/properties/body")
        let pattern = try #require(body["pattern"] as? String)
        var samples = [
            "a", " \u{200B} a\r\n\tb", "\u{A0}x", "\u{E0020}z", "", "   ", "\u{200B}\u{2060}", "\u{E0020}",
        ]
        samples += (UInt32(0)...0xFF).compactMap(Unicode.Scalar.init).map { "x" + String($0) }
        for text in samples {
            let accepted = (try? MessageText.validated(text, limit: ChatService.maximumBodyLength)) != nil
            #expect(try Self.matches(pattern, text) == accepted, "\(text.unicodeScalars.map(\.value))")
        }
    }

    @Test func theDocumentsBodyLimitIsTheServers() throws {
        let body = Self.schema(try Self.document(), "components/schemas/SendMessage/properties/body")
        #expect(body["maxLength"] as? Int == ChatService.maximumBodyLength)
    }

    /// The longest body the rule allows, in its longest JSON form (each character an escaped
    /// surrogate pair, 12 bytes), stays under the 64 KiB upload limit: a long message meets the 422
    /// that names its length, never the 413.
    @Test func theLongestAllowedBodyFitsTheUploadLimitHoweverItIsEscaped() async throws {
        try await APITestContext.run { context in
            let (customer, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let api = try await context.api.signIn(customer.email)
            let path = "/api/v1/chat-sessions/\(session.id)/messages"
            let escaped = String(repeating: #"\ud83d\ude00"#, count: ChatService.maximumBodyLength)
            let longest = try await api.send(.post, path, json: #"{"body":"\#(escaped)"}"#)
            #expect(longest.status == .created)
            let longer = try await api.send(.post, path, json: #"{"body":"\#(escaped)\ud83d\ude00"}"#)
            #expect(longer.status == .unprocessableContent && longer.errorCode == "body_too_long")
        }
    }

    /// The access rules' refusals (ChatAccessAPITests) are in the document: only customers open a
    /// conversation, only its participants send in it or mark it read.
    @Test func theAccessRulesRefusalsAreDocumented() throws {
        let document = try Self.document()
        for (pointer, code) in [
            ("paths/~1api~1v1~1chat-sessions/post", "customers_only"),
            ("paths/~1api~1v1~1chat-sessions~1{id}~1messages/post", "not_participant"),
            ("paths/~1api~1v1~1chat-sessions~1{id}~1read/post", "not_participant"),
        ] {
            let responses = Self.schema(document, pointer)["responses"] as? [String: Any] ?? [:]
            let forbidden = responses["403"] as? [String: Any] ?? [:]
            #expect((forbidden["description"] as? String)?.contains(code) == true, "\(pointer): \(forbidden)")
        }
    }

    @Test func stringsTheServerRefusesWhenEmptyHaveAMinimumLength() throws {
        let document = try Self.document()
        for path in [
            "components/schemas/SendMessage/properties/body",
            "components/schemas/SendMessage/properties/client_message_id",
            "components/schemas/Credentials/properties/email",
            "components/schemas/Credentials/properties/password",
        ] {
            #expect(Self.schema(document, path)["minLength"] as? Int == 1, "\(path)")
        }
        let cursor = Self.parameter(document, "~1api~1v1~1chat-sessions", "cursor")
        #expect(Self.schema(cursor, "schema")["minLength"] as? Int ?? 0 >= 1)
    }

    @Test func theDocumentSaysBeforeAndAfterExcludeEachOther() throws {
        let document = try Self.document()
        let path = "~1api~1v1~1chat-sessions~1{id}~1messages"
        for name in ["before", "after"] {
            let description = Self.parameter(document, path, name)["description"] as? String ?? ""
            #expect(description.contains("422"), "\(name)")
        }
        #expect(Self.schema(document, "paths/\(path)/get/responses")["422"] != nil)
    }

    @Test func aPlainGETOfTheRealtimePathAnswers426AsDocumented() async throws {
        try await APITestContext.run { context in
            let customer = try await context.chat.fixtures.user(.customer)
            let api = try await context.api.signIn(customer.email)
            let response = try await api.send(.get, "/api/v1/realtime")
            #expect(response.status == .upgradeRequired && response.errorCode == "upgrade_required")
            let document = try Self.document()
            #expect(Self.schema(document, "paths/~1api~1v1~1realtime/get/responses")["426"] != nil)
        }
    }

    @Test func openingAConversationLinksToReadingSendingAndListingIt() throws {
        let document = try Self.document()
        let links = Self.schema(document, "paths/~1api~1v1~1chat-sessions/post/responses/201/links")
        let targets = Set(
            links.values.compactMap { link -> String? in
                let name = ((link as? [String: Any])?["$ref"] as? String)?.split(separator: "/").last
                return Self.schema(document, "components/links/\(name ?? "")")["operationId"] as? String
            })
        #expect(targets == ["getChatSession", "listMessages", "sendMessage", "markRead"])
    }

    @Test func aNULInAFieldTheAPIDoesNotReadIsIgnored() async throws {
        try await APITestContext.run { context in
            let (customer, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let api = try await context.api.signIn(customer.email)
            let response = try await api.send(
                .post, "/api/v1/chat-sessions/\(session.id)/messages", json: #"{"body":"Hi","note\u0000":"x\u0000"}"#)
            #expect(response.status == .created)
        }
    }

    @Test func aNULInAFieldTheAPIReadsIsRefusedNamingTheField() async throws {
        try await APITestContext.run { context in
            let (customer, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let api = try await context.api.signIn(customer.email)
            let response = try await api.send(
                .post, "/api/v1/chat-sessions/\(session.id)/messages",
                json: #"{"body":"Hi","client_message_id":"\u0000"}"#)
            #expect(response.status == .unprocessableContent && response.errorCode == "invalid_characters")
            #expect((response.json["error"] as? [String: Any])?["field"] as? String == "client_message_id")
        }
    }

    @Test func aRequestBodyThatIsNotAnObjectAnswers400() async throws {
        try await APITestContext.run { context in
            let (customer, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let api = try await context.api.signIn(customer.email)
            let response = try await api.send(.post, "/api/v1/chat-sessions/\(session.id)/messages", json: "0")
            #expect(response.status == .badRequest && response.errorCode == "malformed_json")
            #expect((response.json["error"] as? [String: Any])?["field"] == nil)
        }
    }

    @Test func aCursorOutsideTheDocumentedPatternIsRefused() async throws {
        try await APITestContext.run { context in
            let customer = try await context.chat.fixtures.user(.customer)
            let api = try await context.api.signIn(customer.email)
            for cursor in ["%2B5.3", "-5.3", "5.-3", "%205.3", "1234567890123456789.1"] {
                let response = try await api.send(.get, "/api/v1/chat-sessions?cursor=\(cursor)")
                #expect(response.status == .badRequest && response.errorCode == "invalid_cursor", "\(cursor)")
            }
            #expect(try await api.send(.get, "/api/v1/chat-sessions?cursor=-.5").status == .ok)
        }
    }

    @Test func aProductSearchIsLimitedTo100CodePointsAsDocumented() async throws {
        try await APITestContext.run { context in
            let customer = try await context.chat.fixtures.user(.customer)
            let api = try await context.api.signIn(customer.email)
            // "e" and a combining acute accent, 50 times, then "a": 51 characters on screen, 101 code points.
            let term = String(repeating: "e%CC%81", count: 50) + "a"
            let response = try await api.send(.get, "/api/v1/products?search=\(term)")
            #expect(response.status == .badRequest && response.errorCode == "invalid_query")
        }
    }
}
