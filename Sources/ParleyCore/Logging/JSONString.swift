/// JSON string literals written by hand: the structured log lines, the event log, and the API's and
/// sockets' message JSON.
public enum JSONString {
    /// Appends `text` as a JSON string (RFC 8259): quotes, backslashes and control characters
    /// escaped, everything else as UTF-8.
    ///
    /// By default DEL, U+2028 and U+2029 are escaped too, for readers that treat them as line ends.
    /// `matchingJSONEncoder` writes exactly what `JSONEncoder` writes instead (`\b` and `\f` short,
    /// those three as they are), for JSON that must equal the encoder's byte for byte.
    public static func append(_ text: String, to json: inout String, matchingJSONEncoder: Bool = false) {
        // Most text needs no escape: one scan of its bytes, one copy. (0xE2 starts U+2028 and
        // U+2029, among others, which take the slow way.)
        let plain =
            matchingJSONEncoder
            ? !text.utf8.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }
            : !text.utf8.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F || $0 == 0xE2 }
        if plain {
            json += "\""
            json += text
            json += "\""
            return
        }
        json.unicodeScalars.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": json += "\\\""
            case "\\": json += "\\\\"
            case "\n": json += "\\n"
            case "\r": json += "\\r"
            case "\t": json += "\\t"
            case "\u{08}" where matchingJSONEncoder: json += "\\b"
            case "\u{0C}" where matchingJSONEncoder: json += "\\f"
            case _
            where scalar.value < 0x20
                || (!matchingJSONEncoder && (scalar.value == 0x7F || scalar == "\u{2028}" || scalar == "\u{2029}")):
                let hex = String(scalar.value, radix: 16)
                json += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: json.unicodeScalars.append(scalar)
            }
        }
        json.unicodeScalars.append("\"")
    }
}
