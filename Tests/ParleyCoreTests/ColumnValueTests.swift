import NIOCore
import Testing

@testable import ParleyCore

/// Values read from either engine and written in COPY's text format.
@Suite("Column values")
struct ColumnValueTests {
    static func copyText(_ value: ColumnValue) -> String {
        var buffer = ByteBuffer()
        value.writeCopyText(into: &buffer)
        return String(buffer: buffer)
    }

    @Test func copyTextEscapesBackslashesAndLineBreaksAndTabs() {
        #expect(Self.copyText(.text("a\\b\nc\td\re")) == #"a\\b\nc\td\re"#)
        #expect(Self.copyText(.text(#"\N"#)) == #"\\N"#)
        #expect(Self.copyText(.text("Zoë 😀")) == "Zoë 😀")
    }

    @Test func copyTextWritesNullIntegersBooleansAndBytesInPostgresForms() {
        #expect(Self.copyText(.null) == #"\N"#)
        #expect(Self.copyText(.integer(-9_007_199_254_740_993)) == "-9007199254740993")
        #expect(Self.copyText(.boolean(true)) == "t")
        #expect(Self.copyText(.bytes([0x00, 0xab, 0x10])) == #"\\x00ab10"#)
    }

    @Test func valuesTakeTheirColumnsFormOrNoneWhenTheyHaveNone() {
        #expect(ColumnValue.integer(1).converted(to: .boolean) == .boolean(true))
        #expect(ColumnValue.integer(2).converted(to: .boolean) == nil)
        #expect(ColumnValue.text("42").converted(to: .integer) == .integer(42))
        #expect(ColumnValue.text("forty-two").converted(to: .integer) == nil)
        #expect(ColumnValue.null.converted(to: .integer) == .null)
        #expect(ColumnValue.integer(1_700_000_000_000).converted(to: .integer) == .integer(1_700_000_000_000))
    }
}
