import CompressNIO
import NIOCore

@testable import ParleyServer

/// A ZIP archive read back for tests, the way an unzip tool reads it: through the central
/// directory, each entry checked against its local header and data descriptor, inflated, and its
/// checksum and size verified.
struct ZipEntries {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    struct Entry {
        let name: String
        /// The compression method, as the local header and the directory both give it.
        let method: UInt16
        let text: String
    }

    let entries: [Entry]

    init(_ bytes: [UInt8]) throws {
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }
        let end = bytes.count - 22
        guard end >= 0, u32(end) == 0x0605_4B50 else { throw Failure(description: "no end of central directory") }
        var at = Int(u32(end + 16))
        var entries: [Entry] = []
        for _ in 0..<u16(end + 10) {
            guard u32(at) == 0x0201_4B50 else { throw Failure(description: "bad directory entry at \(at)") }
            let flags = u16(at + 8)
            let method = UInt16(u16(at + 10))
            let crc = u32(at + 16)
            let compressed = Int(u32(at + 20))
            let size = Int(u32(at + 24))
            let nameLength = u16(at + 28)
            let name = String(decoding: bytes[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
            let local = Int(u32(at + 42))
            at += 46 + nameLength + u16(at + 30) + u16(at + 32)
            guard u32(local) == 0x0403_4B50, u16(local + 8) == Int(method), u16(local + 6) == flags else {
                throw Failure(description: "\(name): local header disagrees with the directory")
            }
            let start = local + 30 + u16(local + 26) + u16(local + 28)
            if flags & 0x08 != 0 {
                let descriptor = start + compressed
                guard u32(descriptor) == 0x0807_4B50, u32(descriptor + 4) == crc,
                    u32(descriptor + 8) == UInt32(compressed), u32(descriptor + 12) == UInt32(size)
                else { throw Failure(description: "\(name): data descriptor disagrees with the directory") }
            }
            var data = ByteBuffer(bytes: bytes[start..<(start + compressed)])
            var inflated = ByteBuffer()
            if method == 8 {
                let decompressor = try ZlibDecompressor(algorithm: .deflate)
                inflated.reserveCapacity(size + 64)
                try decompressor.inflate(from: &data, to: &inflated)
            } else {
                inflated = data
            }
            var check = CRC32()
            inflated.withUnsafeReadableBytes { check.update($0) }
            guard inflated.readableBytes == size, check.value == crc else {
                throw Failure(description: "\(name): size or checksum wrong")
            }
            entries.append(Entry(name: name, method: method, text: String(buffer: inflated)))
        }
        self.entries = entries
    }

    subscript(name: String) -> String? {
        entries.first { $0.name == name }?.text
    }

    /// The worksheet of an export.
    var sheet: String { self[XLSXStreamWriter.sheetPath] ?? "" }
}
