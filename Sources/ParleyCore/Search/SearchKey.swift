import Foundation

/// The form in which names are stored for searching and in which search terms are compared:
/// case-folded and without diacritics, so "CHLOÉ" and "chloe" find "Chloé" and "STRASSE" finds
/// "Straße" on SQLite and PostgreSQL alike. Both engines then compare plain lower-case text.
public enum SearchKey {
    /// Letters that folding leaves alone but that a person typing on a plain keyboard writes
    /// differently ("Soren" for "Søren").
    private static let letters: [Character: String] = [
        "ø": "o", "ł": "l", "đ": "d", "ð": "d", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h", "þ": "th",
    ]

    /// `text` as stored in a `name_key` column and as a term is matched against it.
    public static func fold(_ text: String) -> String {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        guard folded.unicodeScalars.contains(where: { !$0.isASCII }) else { return folded }
        var result = ""
        result.reserveCapacity(folded.utf8.count)
        for character in folded {
            if let replacement = letters[character] { result += replacement } else { result.append(character) }
        }
        return result
    }

    /// A `LIKE` pattern matching `term` anywhere in a folded column, with `\` as the escape.
    public static func containsPattern(_ term: String) -> String {
        "%" + escapeLike(fold(term)) + "%"
    }

    /// A `LIKE` pattern matching folded text that starts with `term`.
    public static func prefixPattern(_ term: String) -> String {
        escapeLike(fold(term)) + "%"
    }

    static func escapeLike(_ term: String) -> String {
        var escaped = ""
        for character in term {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
