import Foundation

/// Header text in RFC 2047 encoded words (`=?utf-8?B?…?=`), for subjects and display names
/// that are not plain ASCII.
enum EncodedWords {
    /// UTF-8 bytes per word: a multiple of 3, giving words of 64 characters, so that even the first
    /// one, after `Subject: `, stays within the 78 characters a header line should keep to.
    private static let bytesPerWord = 39

    /// The words for `text`, never splitting a character's bytes between two words; join them with
    /// folding white space (`CRLF SP`), which readers drop between encoded words.
    static func encode(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > bytesPerWord {
                words.append(word(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(word(chunk)) }
        return words
    }

    private static func word(_ bytes: [UInt8]) -> String {
        "=?utf-8?B?\(Data(bytes).base64EncodedString())?="
    }
}
