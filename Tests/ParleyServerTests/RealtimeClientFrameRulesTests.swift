import NIOCore
import NIOWebSocket
import Testing

@testable import ParleyServer

@Suite("Realtime client frame rules (RFC 6455)")
struct RealtimeClientFrameRulesTests {
    typealias Violation = RealtimeSocketHandler.ProtocolViolation

    private func bytes(_ values: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: values) }

    private func isValidUTF8(_ parts: [[UInt8]]) -> Bool {
        var utf8 = RealtimeSocketHandler.UTF8Validation()
        return parts.allSatisfy { utf8.consume($0) } && utf8.isComplete
    }

    @Test func utf8AcceptsWhatSwiftEncodesEvenWhenSplitAnywhere() {
        let text = Array("a é € 🦜 \u{10FFFF} \u{FFFD}".utf8)
        for cut in 0...text.count {
            #expect(isValidUTF8([Array(text[..<cut]), Array(text[cut...])]), "cut at \(cut)")
        }
    }

    @Test(
        arguments: [
            [0xFF], [0x80], [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80],
            [0xF0, 0x80, 0x80, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x82], [0xC3, 0x41],
        ] as [[UInt8]])
    func utf8RefusesIllFormedSequences(_ sequence: [UInt8]) {
        #expect(!isValidUTF8([sequence]))
        #expect(String(validating: sequence, as: UTF8.self) == nil, "Swift agrees")
    }

    @Test func fragmentsOfOneMessageFollowItsFirstFrame() throws {
        var message = RealtimeSocketHandler.InboundMessage(maxSize: 100)
        try message.receive(opcode: .text, fin: false, payload: bytes([0x63, 0x61, 0x66, 0xC3]))
        try message.receive(opcode: .continuation, fin: false, payload: bytes([0xA9]))
        try message.receive(opcode: .continuation, fin: true, payload: bytes([]))
        try message.receive(opcode: .binary, fin: true, payload: bytes([0xFF]))
    }

    @Test func aContinuationWithoutAFirstFrameIsAProtocolError() {
        var message = RealtimeSocketHandler.InboundMessage(maxSize: 100)
        #expect(throws: Violation(.protocolError, "unexpected_continuation")) {
            try message.receive(opcode: .continuation, fin: true, payload: bytes([0x61]))
        }
    }

    @Test func aNewMessageInsideAFragmentedOneIsAProtocolError() throws {
        var message = RealtimeSocketHandler.InboundMessage(maxSize: 100)
        try message.receive(opcode: .binary, fin: false, payload: bytes([1]))
        #expect(throws: Violation(.protocolError, "expected_continuation")) {
            try message.receive(opcode: .text, fin: true, payload: bytes([0x61]))
        }
    }

    @Test func aMessageOverTheLimitIsTooLargeWhicheverFrameCrossesIt() throws {
        var message = RealtimeSocketHandler.InboundMessage(maxSize: 4)
        try message.receive(opcode: .binary, fin: true, payload: bytes([1, 2, 3, 4]))
        try message.receive(opcode: .binary, fin: false, payload: bytes([1, 2, 3]))
        #expect(throws: Violation(.messageTooLarge, "message_too_big")) {
            try message.receive(opcode: .continuation, fin: true, payload: bytes([4, 5]))
        }
    }

    @Test func textCutShortByItsLastFragmentIsInconsistentData() throws {
        var message = RealtimeSocketHandler.InboundMessage(maxSize: 100)
        try message.receive(opcode: .text, fin: false, payload: bytes([0xE2, 0x82]))
        #expect(throws: Violation(.dataInconsistentWithMessage, "invalid_utf8")) {
            try message.receive(opcode: .continuation, fin: true, payload: bytes([]))
        }
    }

    @Test func binaryMessagesAreNotReadAsText() throws {
        var message = RealtimeSocketHandler.InboundMessage(maxSize: 100)
        try message.receive(opcode: .binary, fin: true, payload: bytes([0xFF, 0xC0]))
    }

    @Test func aCloseFrameCarriesNoCodeOrAValidOneWithAUTF8Reason() throws {
        #expect(try RealtimeSocketHandler.closeCode(of: bytes([])) == nil)
        #expect(try RealtimeSocketHandler.closeCode(of: bytes([0x03, 0xE8])) == .normalClosure)
        #expect(try RealtimeSocketHandler.closeCode(of: bytes([0x0F, 0xA0, 0x6F, 0x6B])) == .unknown(4000))
    }

    @Test(arguments: [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535] as [UInt16])
    func closeCodesNoEndpointMaySendAreProtocolErrors(_ code: UInt16) {
        #expect(throws: Violation(.protocolError, "invalid_close_code")) {
            try RealtimeSocketHandler.closeCode(of: bytes([UInt8(code >> 8), UInt8(code & 0xFF)]))
        }
    }

    @Test func aOneByteClosePayloadIsAProtocolError() {
        #expect(throws: Violation(.protocolError, "invalid_close_payload")) {
            try RealtimeSocketHandler.closeCode(of: bytes([0x03]))
        }
    }

    @Test func aCloseReasonThatIsNotUTF8IsInconsistentData() {
        #expect(throws: Violation(.dataInconsistentWithMessage, "invalid_utf8")) {
            try RealtimeSocketHandler.closeCode(of: bytes([0x03, 0xE8, 0xFF]))
        }
    }
}
