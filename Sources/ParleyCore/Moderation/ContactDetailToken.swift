/// A word (a run of letters and digits) or a single other character of a message, with its folded spelling
/// kept in `ContactDetailText.keys` so scanners compare lowercase ASCII instead of grapheme clusters.
struct ContactDetailToken {
    /// UTF-8 offsets into the scanned text.
    var start: Int
    var end: Int
    /// Where the folded spelling lies in `ContactDetailText.keys`.
    var keyStart: Int
    var keyEnd: Int
    var classes: ContactDetailWordClass = []
    var digitValue: Int8 = -1
    /// The folded character of a non-word token; 0 for words.
    var symbol: UInt32 = 0
    var digits: Int = 0
    var letters: Int = 0
    /// Letters written as capitals, to tell "ASP.NET" from "asp.net".
    var capitals: Int = 0
    var spaceBefore: Bool
    var lineBreakBefore: Bool
    /// Whether spaced-out characters ("w w w", "0 7 7 0 0") were joined into this word.
    var joined: Bool = false

    var isWord: Bool { symbol == 0 }
    var isNumber: Bool { symbol == 0 && letters == 0 }
    var keyLength: Int { keyEnd - keyStart }
    /// A single character, which is what a spaced-out word is made of.
    var isSingleCharacter: Bool { symbol == 0 && digits + letters == 1 }
}
