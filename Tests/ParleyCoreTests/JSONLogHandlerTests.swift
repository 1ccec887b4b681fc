import Foundation
import Logging
import NIOConcurrencyHelpers
import ParleyCore
import Testing

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    /// A logger whose handler writes into `lines`.
    static func logger(into lines: NIOLockedValueBox<[String]>, level: Logger.Level = .info) -> Logger {
        Logger(label: "parley.test") { label in
            var handler = JSONLogHandler(label: label, metadataProvider: nil) { line in
                lines.withLockedValue { $0.append(line) }
            }
            handler.logLevel = level
            return handler
        }
    }

    static func object(_ line: String) throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(parsed as? [String: Any])
    }

    @Test func eachMessageIsOneJSONObjectOnOneLineWithTheFields() throws {
        let lines = NIOLockedValueBox<[String]>([])
        let logger = Self.logger(into: lines)
        logger.info("Started", metadata: ["port": "8080"])
        logger.warning("Slow")
        let written = lines.withLockedValue { $0 }
        #expect(written.count == 2)
        for line in written {
            #expect(line.hasSuffix("}\n"))
            #expect(line.dropLast().firstIndex(of: "\n") == nil)
        }
        let first = try Self.object(written[0])
        #expect(first["level"] as? String == "info")
        #expect(first["label"] as? String == "parley.test")
        #expect(first["message"] as? String == "Started")
        #expect(first["metadata"] as? [String: String] == ["port": "8080"])
        #expect(first["source"] as? String == "ParleyCoreTests")
        let time = try #require(first["time"] as? String)
        #expect(try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(time) <= Date())
        #expect(time.hasSuffix("Z"))
        #expect(try Self.object(written[1])["level"] as? String == "warning")
    }

    @Test func quotesNewlinesControlCharactersAndNonASCIISurviveTheRoundTrip() throws {
        let lines = NIOLockedValueBox<[String]>([])
        let tricky = "say \"hi\"\\ back\nnext line\r\ttab \u{01}\u{1F}\u{7F} Chloé 🦜 Straße \u{2028}"
        Self.logger(into: lines).info("\(tricky)", metadata: [tricky: "\(tricky)"])
        let line = try #require(lines.withLockedValue { $0.first })
        #expect(line.dropLast().firstIndex(of: "\n") == nil)
        #expect(!line.contains("\u{2028}"))
        let object = try Self.object(line)
        #expect(object["message"] as? String == tricky)
        #expect(object["metadata"] as? [String: String] == [tricky: tricky])
        #expect(line.contains("Chloé 🦜 Straße"))
    }

    @Test func nestedMetadataIsFlattenedToStrings() throws {
        let lines = NIOLockedValueBox<[String]>([])
        var logger = Self.logger(into: lines)
        logger[metadataKey: "request"] = ["id": "r-1", "path": "/healthz"]
        logger.info(
            "Done", metadata: ["count": .stringConvertible(3), "tags": ["a", ["deep": "b"]], "request.id": "r-2"])
        let metadata = try Self.object(try #require(lines.withLockedValue { $0.first }))["metadata"]
        #expect(
            metadata as? [String: String] == [
                "count": "3", "tags.0": "a", "tags.1.deep": "b", "request.id": "r-2", "request.path": "/healthz",
            ])
    }

    @Test func messagesBelowTheLevelAreNotWritten() {
        let lines = NIOLockedValueBox<[String]>([])
        let logger = Self.logger(into: lines, level: .notice)
        logger.info("Quiet")
        logger.notice("Loud")
        #expect(lines.withLockedValue { $0.count } == 1)
    }
}
