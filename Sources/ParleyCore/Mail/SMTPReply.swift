/// One server reply: a three-digit code and its lines of text (several for a multi-line reply).
struct SMTPReply: Sendable, Equatable {
    var code: Int
    /// Each line's text after the code and its separator.
    var lines: [String]

    var text: String { lines.joined(separator: "\n") }
    var isPositive: Bool { (200..<400).contains(code) }

    /// Collects lines (`250-first`, …, `250 last`) until the last one; nil while more are needed.
    /// Throws ``SMTPReply/Malformed`` for a line that is not a reply line, or whose code differs from the first.
    struct Assembler {
        private var code: Int?
        private var lines: [String] = []

        struct Malformed: Error {}

        mutating func add(_ line: String) throws(Malformed) -> SMTPReply? {
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, bytes[0..<3].allSatisfy({ (0x30...0x39).contains($0) }),
                let lineCode = Int(String(decoding: bytes[0..<3], as: UTF8.self)), (100...599).contains(lineCode),
                code == nil || code == lineCode
            else { throw Malformed() }
            let separator = bytes.count > 3 ? bytes[3] : UInt8(ascii: " ")
            guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else { throw Malformed() }
            code = lineCode
            lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
            guard separator == UInt8(ascii: " ") else { return nil }
            defer { self = Assembler() }
            return SMTPReply(code: lineCode, lines: lines)
        }
    }
}
