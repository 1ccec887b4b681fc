import Crypto
import NIOCore
import ParleyCore
import Testing

@Suite("Hex")
struct HexTests {
    @Test func everyByteIsTwoLowercaseDigitsWithItsLeadingZero() {
        #expect(Hex.string([0x00, 0x01, 0x0f, 0x10, 0xa5, 0xf0, 0xff]) == "00010f10a5f0ff")
        #expect(Hex.string([UInt8]()) == "")
    }

    @Test func aBufferReceivesTheSameDigitsAsAString() {
        let bytes = Array(0...255).map(UInt8.init)
        var buffer = ByteBuffer()
        Hex.write(bytes, into: &buffer)
        #expect(String(buffer: buffer) == Hex.string(bytes))
        #expect(buffer.readableBytes == 512)
    }

    @Test func aTokenIsStoredAsTheHexOfItsSHA256() {
        // FIPS 180-2's example digest of "abc".
        #expect(
            SecretToken.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
