/// Reads the token of an `Authorization: Bearer <token>` header, for the API's requests and the
/// realtime upgrade alike. The scheme is matched without regard to case, and spaces and tabs
/// around the token are dropped (HTTP's optional white space). Runs on every API request, so it
/// works on the header's bytes rather than through Foundation's string functions.
enum BearerToken {
    private static let scheme = Array("bearer ".utf8)

    /// The token, or nil for another scheme or an empty token.
    static func parse(_ header: String) -> String? {
        let bytes = header.utf8
        guard bytes.count > scheme.count else { return nil }
        var index = bytes.startIndex
        for expected in scheme {
            let byte = bytes[index]
            let lowered = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
            guard lowered == expected else { return nil }
            index = bytes.index(after: index)
        }
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes[index...].firstIndex(where: { !isSpace($0) }),
            let last = bytes[first...].lastIndex(where: { !isSpace($0) })
        else { return nil }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
