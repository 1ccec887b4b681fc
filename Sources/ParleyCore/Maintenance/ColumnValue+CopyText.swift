import NIOCore

// PostgreSQL's COPY text format: columns separated by tabs, rows ended by a newline, NULL as \N,
// and a backslash before a backslash, newline, carriage return or tab inside a value.
extension ColumnValue {
    /// Appends this value as one COPY text field; the value must already be in its column's form.
    func writeCopyText(into buffer: inout ByteBuffer) {
        switch self {
        case .null: buffer.writeStaticString("\\N")
        case .integer(let value): buffer.writeString(String(value))
        case .real(let value):
            if value.isNaN {
                buffer.writeStaticString("NaN")
            } else if value.isInfinite {
                buffer.writeStaticString(value < 0 ? "-Infinity" : "Infinity")
            } else {
                buffer.writeString(String(value))
            }
        case .boolean(let value): buffer.writeStaticString(value ? "t" : "f")
        case .text(let value): Self.writeEscaped(value, into: &buffer)
        case .bytes(let value):
            // bytea's hex form, \x followed by two digits a byte; the backslash is doubled for COPY.
            buffer.writeStaticString("\\\\x")
            Hex.write(value, into: &buffer)
        }
    }

    private static func writeEscaped(_ text: String, into buffer: inout ByteBuffer) {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 < 0x20 }) else {
            buffer.writeString(text)
            return
        }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            default: buffer.writeInteger(byte)
            }
        }
    }
}
