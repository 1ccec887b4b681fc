/// What a message body may hold, decided in one place for the API, the admin panel and the web
/// chat alike.
///
/// - Line breaks are normalised to `\n` (browsers post `\r\n`).
/// - Control characters other than newline and tab are refused: PostgreSQL cannot store a NUL,
///   SQLite's C interface reads text only up to one, and the others draw nothing.
/// - A body with no visible character (only spaces and invisible format characters such as
///   U+200B, U+2060, U+FEFF, U+3164 or tag characters) counts as empty.
/// - Length is counted in Unicode code points of the body as sent, before line breaks are
///   normalised or spaces trimmed, as JSON Schema's `maxLength` counts it.
enum MessageText {
    static func validated(_ body: String, limit: Int) throws -> String {
        let length = body.unicodeScalars.count
        guard length <= limit else { throw ChatError.bodyTooLong(length: length, limit: limit) }
        let normalised =
            body.utf8.contains(UInt8(ascii: "\r"))
            ? body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") : body
        if normalised.unicodeScalars.contains(where: isRefusedControl) { throw ChatError.controlCharacters }
        let text = trimmed(normalised)
        guard text.unicodeScalars.contains(where: { !isBlank($0) }) else { throw ChatError.emptyBody }
        return text
    }

    /// `text` without white space at either end: what Foundation's
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` gives on Linux (Unicode's White_Space,
    /// line breaks included, and the zero-width space), without its detour through NSString and
    /// without a copy when there is nothing to trim.
    static func trimmed(_ text: String) -> String {
        let isSpace = { (scalar: Unicode.Scalar) in scalar.properties.isWhitespace || scalar.value == 0x200B }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
            let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return text }
        return String(scalars[first...last])
    }

    /// C0 and C1 controls and DEL, except tab and newline.
    static func isRefusedControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A: false
        case 0x00...0x1F, 0x7F...0x9F: true
        default: false
        }
    }

    /// Characters that leave no mark: white space, format characters (zero-width spaces and
    /// joiners, word joiner, BOM, soft hyphen, bidi marks, tag characters) and the fillers that
    /// render blank (Hangul fillers, the blank Braille pattern, the Mongolian vowel separator).
    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isWhitespace || scalar.properties.generalCategory == .format { return true }
        switch scalar.value {
        case 0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x180E, 0x034F, 0xFE00...0xFE0F, 0xE0100...0xE01EF: return true
        default: return false
        }
    }
}
