import Logging
import NIOConcurrencyHelpers
import ParleyCore
import Testing

@Suite("Plain-text log lines")
struct TextLogHandlerTests {
    /// Keeps what is written to it.
    final class Lines: TextOutputStream, @unchecked Sendable {
        private let box = NIOLockedValueBox<[String]>([])
        var written: [String] { box.withLockedValue { $0 } }
        func write(_ string: String) { box.withLockedValue { $0.append(string) } }
    }

    static func streamed(into lines: Lines) -> @Sendable (String, Logger.MetadataProvider?) -> StreamLogHandler {
        { label, provider in StreamLogHandler(label: label, stream: lines, metadataProvider: provider) }
    }

    /// Drops the time stamp that begins each line.
    static func withoutTime(_ line: String) -> Substring {
        line.drop { $0 != " " }
    }

    @Test func aLineIsWhatStreamLogHandlerWritesWithTheSameMetadata() throws {
        let ours = Lines()
        let theirs = Lines()
        var logger = Logger(label: "parley.test") { label in
            TextLogHandler(label: label, metadataProvider: nil, writer: Self.streamed(into: ours))
        }
        var reference = Logger(label: "parley.test") { label in
            StreamLogHandler(label: label, stream: theirs, metadataProvider: nil)
        }
        logger[metadataKey: "hb.request.id"] = "42"
        logger[metadataKey: "user"] = "7"
        reference[metadataKey: "hb.request.id"] = "42"
        reference[metadataKey: "user"] = "7"
        logger.warning("Slow", metadata: ["ms": "120"])
        reference.warning("Slow", metadata: ["ms": "120"])
        logger.info("Plain")
        reference.info("Plain")
        #expect(ours.written.count == 2)
        #expect(ours.written.map(Self.withoutTime) == theirs.written.map(Self.withoutTime))
        #expect(
            ours.written[0].hasSuffix(" warning parley.test: hb.request.id=42 ms=120 user=7 [ParleyCoreTests] Slow\n"))
    }

    @Test func linesBelowTheLevelAreNotWritten() {
        let lines = Lines()
        let logger = Logger(label: "parley.test") { label in
            var handler = TextLogHandler(label: label, metadataProvider: nil, writer: Self.streamed(into: lines))
            handler.logLevel = .warning
            return handler
        }
        logger.info("Quiet")
        logger.debug("Quieter")
        logger.error("Loud")
        #expect(lines.written.count == 1)
        #expect(lines.written.first?.hasSuffix("Loud\n") == true)
    }
}
