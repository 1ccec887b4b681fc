import CompressNIO
import NIOCore

/// Raw deflate (RFC 1951), the way a ZIP archive stores an entry with method 8, compressed as it
/// is fed so that only zlib's window is held, not the data.
final class DeflateStream {
    private static let step = 16 * 1024
    private let compressor: ZlibCompressor

    init() throws {
        compressor = try ZlibCompressor(algorithm: .deflate)
    }

    /// Compresses all of `input` into `output`; zlib may keep the tail until more comes.
    func compress(_ input: inout ByteBuffer, into output: inout ByteBuffer) throws {
        while input.readableBytes > 0 {
            output.reserveCapacity(minimumWritableBytes: Self.step)
            try compressor.deflate(from: &input, to: &output, flush: .no)
        }
    }

    /// Writes out what zlib still holds and ends the stream; the next byte starts a new one.
    func finish(into output: inout ByteBuffer) throws {
        var nothing = ByteBuffer(bytes: [0])
        nothing.moveReaderIndex(forwardBy: 1)
        while true {
            output.reserveCapacity(minimumWritableBytes: Self.step)
            do {
                try compressor.deflate(from: &nothing, to: &output, flush: .finish)
                break
            } catch let error as CompressNIOError where error == .bufferOverflow {
                continue
            }
        }
        try compressor.reset()
    }
}
