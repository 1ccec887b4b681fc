/// JSON string literals written by hand, for the structured log lines and the event log.
enum JSONString {
    /// Appends `text` as a JSON string (RFC 8259): quotes, backslashes and control characters
    /// escaped, everything else as UTF-8. U+2028 and U+2029 are escaped too, for readers that
    /// treat them as line ends.
    static func append(_ text: String, to json: inout String) {
        // Most text needs no escape: one scan of its bytes, one copy. (0xE2 starts U+2028 and
        // U+2029, among others, which take the slow way.)
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F || $0 == 0xE2 }) {
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
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{2028}" || scalar == "\u{2029}":
                let hex = String(scalar.value, radix: 16)
                json += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: json.unicodeScalars.append(scalar)
            }
        }
        json.unicodeScalars.append("\"")
    }
}
