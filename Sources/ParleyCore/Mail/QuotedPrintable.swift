/// Quoted-printable (RFC 2045 §6.7) for message bodies: any UTF-8 text becomes lines of at most
/// 76 printable ASCII characters, CRLF-terminated, that decode back to the same bytes.
///
/// Its output never contains `=_` (an `=` is always followed by two hex digits or a line break),
/// which is what makes a boundary starting with `=_` safe.
enum QuotedPrintable {
    static let maximumLineLength = 76

    /// Encodes `text` with its line breaks (LF, CRLF or CR) kept as CRLF; the result ends with CRLF.
    static func encode(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        for line in lines(of: text) {
            var lineLength = 0
            for (offset, byte) in line.enumerated() {
                let isLast = offset == line.count - 1
                let literal =
                    (0x21...0x7E).contains(byte) && byte != UInt8(ascii: "=")
                    || ((byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")) && !isLast)
                let width = literal ? 1 : 3
                // Room for the soft break's "=" unless this token ends the line.
                let limit = isLast ? maximumLineLength : maximumLineLength - 1
                if lineLength + width > limit {
                    output.append(contentsOf: [UInt8(ascii: "="), 13, 10])
                    lineLength = 0
                }
                if literal {
                    output.append(byte)
                } else {
                    output.append(UInt8(ascii: "="))
                    output.append(hexDigits[Int(byte >> 4)])
                    output.append(hexDigits[Int(byte & 0x0F)])
                }
                lineLength += width
            }
            output.append(contentsOf: [13, 10])
        }
        return output
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// The text's lines as UTF-8, without their breaks.
    private static func lines(of text: String) -> [ArraySlice<UInt8>] {
        let bytes = Array(text.utf8)
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            if bytes[index] == 13 || bytes[index] == 10 {
                lines.append(bytes[start..<index])
                if bytes[index] == 13, index + 1 < bytes.count, bytes[index + 1] == 10 { index += 1 }
                start = index + 1
            }
            index += 1
        }
        if start < bytes.count || lines.isEmpty { lines.append(bytes[start..<bytes.count]) }
        return lines
    }
}
