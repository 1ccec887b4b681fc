/// Splits a message's UTF-8 into words and single other characters in one pass, folding case, fullwidth
/// forms and look-alike punctuation, and dropping the invisible characters people slip into numbers to
/// dodge filters.
struct ContactDetailTokenizer {
    private var tokens: [ContactDetailToken] = []
    /// Folded spellings, written through a pointer: appending to an array byte by byte costs a uniqueness
    /// check per byte.
    private var keys: UnsafeMutablePointer<UInt8>
    private var keyCount = 0
    private let vocabulary: ContactDetailVocabulary
    private var open = false
    private var word = ContactDetailToken(
        start: 0, end: 0, keyStart: 0, keyEnd: 0, spaceBefore: false,
        lineBreakBefore: false)
    private var hash = ContactDetailVocabulary.hashSeed
    private var spaceBefore = false
    private var lineBreakBefore = false
    /// Greek or Cyrillic look-alikes folded into the open word.
    private var lookalikes = 0
    /// Where an apostrophe inside the open word fell in `keys` ("whatsapp'tan", "d'ordine"); 0 if none.
    private var apostropheKey = 0

    private init(vocabulary: ContactDetailVocabulary, capacity: Int) {
        self.vocabulary = vocabulary
        keys = .allocate(capacity: capacity)
    }

    /// The tokens of `bytes` and their folded spellings.
    static func tokenize(
        _ bytes: UnsafeBufferPointer<UInt8>, vocabulary: ContactDetailVocabulary
    )
        -> (tokens: [ContactDetailToken], keys: [UInt8])
    {
        // Folding never lengthens a character beyond its UTF-8 encoding.
        var tokenizer = ContactDetailTokenizer(vocabulary: vocabulary, capacity: bytes.count + 8)
        defer { tokenizer.keys.deallocate() }
        tokenizer.tokens.reserveCapacity(bytes.count / 3 + 4)
        tokenizer.run(bytes)
        let keys = Array(UnsafeBufferPointer(start: tokenizer.keys, count: tokenizer.keyCount))
        return (tokenizer.tokens, keys)
    }

    private mutating func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        let count = bytes.count
        var index = 0
        while index < count {
            let lead = bytes[index]
            var scalar = UInt32(lead)
            var length = 1
            if lead >= 0xC0 {
                length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
                if index + length > count {
                    length = 1
                } else {
                    scalar = UInt32(lead) & (lead < 0xE0 ? 0x1F : lead < 0xF0 ? 0x0F : 0x07)
                    for offset in 1..<length { scalar = scalar << 6 | UInt32(bytes[index + offset] & 0x3F) }
                }
            }
            let next = index + length
            if scalar < 0x80 {
                ascii(UInt8(scalar), at: index, end: next, following: next < count ? bytes[next] : 0)
            } else {
                nonASCII(scalar, at: index, end: next, bytes: bytes)
            }
            index = next
        }
        closeWord()
    }

    private mutating func ascii(_ byte: UInt8, at start: Int, end: Int, following: UInt8) {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): append(byte, letter: true, start: start, end: end)
        case UInt8(ascii: "A")...UInt8(ascii: "Z"):
            append(byte | 0x20, letter: true, start: start, end: end)
            word.capitals += 1
        case UInt8(ascii: "0")...UInt8(ascii: "9"): append(byte, letter: false, start: start, end: end)
        case 0x20, 0x09:
            closeWord()
            spaceBefore = true
        case 0x0A, 0x0B, 0x0C, 0x0D:
            closeWord()
            spaceBefore = true
            lineBreakBefore = true
        case UInt8(ascii: "'"): apostrophe(at: start, end: end, following: following)
        default: symbol(UInt32(byte), start: start, end: end)
        }
    }

    private mutating func nonASCII(
        _ scalar: UInt32, at start: Int, end: Int, bytes: UnsafeBufferPointer<UInt8>
    ) {
        switch scalar {
        case 0xFF01...0xFF5E:
            // Fullwidth "０７７００" and "＠" are the same characters to a reader, so they are to us.
            let folded = UInt8(scalar - 0xFEE0)
            if folded == UInt8(ascii: "'") {
                symbol(UInt32(folded), start: start, end: end)
            } else {
                ascii(folded, at: start, end: end, following: 0)
            }
        case 0xFE6B: symbol(UInt32(UInt8(ascii: "@")), start: start, end: end)
        case 0x1D400...0x1D6A3:
            // Mathematical bold, italic, script… letters ("𝐠𝐦𝐚𝐢𝐥") read as plain letters.
            let letter = UInt8((scalar - 0x1D400) % 52)
            append(
                UInt8(ascii: "a") + (letter < 26 ? letter : letter - 26), letter: true, start: start,
                end: end)
        case 0x1D7CE...0x1D7FF:
            append(
                UInt8(ascii: "0") + UInt8((scalar - 0x1D7CE) % 10), letter: false, start: start, end: end)
        case 0x24B6...0x24E9:
            // Circled letters "ⓖⓜⓐⓘⓛ".
            let letter = UInt8((scalar - 0x24B6) % 26)
            append(UInt8(ascii: "a") + letter, letter: true, start: start, end: end)
        case 0x2460...0x2468, 0x2776...0x277E, 0x2780...0x2788, 0x278A...0x2792:
            // Circled and dingbat digits "①②③".
            let base: UInt32 =
                scalar >= 0x278A ? 0x278A : scalar >= 0x2780 ? 0x2780 : scalar >= 0x2776 ? 0x2776 : 0x2460
            append(UInt8(ascii: "1") + UInt8(scalar - base), letter: false, start: start, end: end)
        case 0x24EA, 0x24FF: append(UInt8(ascii: "0"), letter: false, start: start, end: end)
        case 0x370...0x3FF, 0x400...0x52F:
            // Greek and Cyrillic letters that look Latin ("whаtsapp" with a Cyrillic "а") are read as the
            // Latin letter they imitate; the rest stay as they are.
            if let latin = Self.lookalike(scalar) {
                lookalikes += 1
                append(latin, letter: true, start: start, end: end)
            } else {
                appendScalar(scalar, start: start, end: end)
            }
        case 0xAD, 0x200B...0x200D, 0x2060, 0xFEFF, 0xFE0E, 0xFE0F, 0x180E, 0x20E3:
            return
        case 0xA0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000:
            closeWord()
            spaceBefore = true
        case 0x2028, 0x2029, 0x85:
            closeWord()
            spaceBefore = true
            lineBreakBefore = true
        case 0x2018, 0x2019, 0x02BC:
            apostrophe(at: start, end: end, following: end < bytes.count ? bytes[end] : 0)
        case 0x2010...0x2015, 0x2212, 0xFE58, 0xFE63:
            symbol(UInt32(UInt8(ascii: "-")), start: start, end: end)
        // Full stops, and the middle dots and bullets people put in their place ("oakandpine·com").
        case 0x2024, 0x3002, 0xB7, 0x2022, 0x2219, 0x22C5, 0x30FB, 0xFF65:
            symbol(UInt32(UInt8(ascii: ".")), start: start, end: end)
        case 0xC0...0x24F where scalar != 0xD7 && scalar != 0xF7:
            let folded = (0xC0...0xDE).contains(scalar) ? scalar + 0x20 : scalar
            appendScalar(folded, start: start, end: end)
        case 0x300...0x36F where open:
            appendScalar(scalar, start: start, end: end, counted: false)
        default:
            guard let unicode = Unicode.Scalar(scalar) else {
                return symbol(scalar, start: start, end: end)
            }
            let properties = unicode.properties
            if properties.numericType == .decimal, let value = properties.numericValue, value >= 0,
                value <= 9
            {
                append(UInt8(ascii: "0") + UInt8(value), letter: false, start: start, end: end)
            } else if properties.isAlphabetic {
                appendScalar(scalar, start: start, end: end)
            } else {
                symbol(scalar, start: start, end: end)
            }
        }
    }

    /// "I'm", "let's" and "what's" stay one word ("im", "lets", "whats"); a quote mark elsewhere is a symbol.
    private mutating func apostrophe(at start: Int, end: Int, following: UInt8) {
        // A lead byte from 0xC3 to 0xC9 starts an accented Latin letter ("whatsapp'ın", "l'été").
        let nextIsLetter =
            (following | 0x20) >= UInt8(ascii: "a") && (following | 0x20) <= UInt8(ascii: "z")
            || (following >= 0xC3 && following <= 0xC9)
        if open && word.letters > 0 && nextIsLetter {
            if apostropheKey == 0 { apostropheKey = keyCount }
            return
        }
        symbol(UInt32(UInt8(ascii: "'")), start: start, end: end)
    }

    /// The Latin letter a Greek or Cyrillic letter is drawn like, if it is drawn like one.
    private static func lookalike(_ scalar: UInt32) -> UInt8? {
        let latin: Character
        switch scalar {
        case 0x430, 0x410, 0x3B1, 0x391: latin = "a"
        case 0x412, 0x392: latin = "b"
        case 0x441, 0x421, 0x3F2: latin = "c"
        case 0x501: latin = "d"
        case 0x435, 0x415, 0x3B5, 0x395: latin = "e"
        case 0x4BB, 0x41D, 0x397: latin = "h"
        case 0x456, 0x406, 0x3B9, 0x399: latin = "i"
        case 0x458, 0x408: latin = "j"
        case 0x41A, 0x3BA, 0x39A: latin = "k"
        case 0x41C, 0x39C: latin = "m"
        case 0x39D: latin = "n"
        case 0x43E, 0x41E, 0x3BF, 0x39F: latin = "o"
        case 0x440, 0x420, 0x3C1, 0x3A1: latin = "p"
        case 0x51B: latin = "q"
        case 0x455, 0x405: latin = "s"
        case 0x422, 0x3C4, 0x3A4: latin = "t"
        case 0x3C5: latin = "u"
        case 0x3BD: latin = "v"
        case 0x51D: latin = "w"
        case 0x445, 0x425, 0x3C7, 0x3A7: latin = "x"
        case 0x443, 0x423, 0x3A5: latin = "y"
        case 0x396: latin = "z"
        default: return nil
        }
        return latin.asciiValue
    }

    @inline(__always)
    private mutating func openWord(at start: Int) {
        open = true
        lookalikes = 0
        apostropheKey = 0
        word = ContactDetailToken(
            start: start, end: start, keyStart: keyCount, keyEnd: keyCount,
            spaceBefore: spaceBefore, lineBreakBefore: lineBreakBefore)
        hash = ContactDetailVocabulary.hashSeed
        spaceBefore = false
        lineBreakBefore = false
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8, letter: Bool, start: Int, end: Int) {
        if !open { openWord(at: start) }
        keys[keyCount] = byte
        keyCount += 1
        hash = ContactDetailVocabulary.hash(hash, byte)
        if letter { word.letters += 1 } else { word.digits += 1 }
        word.end = end
    }

    private mutating func appendScalar(_ scalar: UInt32, start: Int, end: Int, counted: Bool = true) {
        if !open { openWord(at: start) }
        var encoded: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let length: Int
        switch scalar {
        case ..<0x800:
            encoded = (0xC0 | UInt8(scalar >> 6), 0x80 | UInt8(scalar & 0x3F), 0, 0)
            length = 2
        case ..<0x10000:
            encoded = (
                0xE0 | UInt8(scalar >> 12), 0x80 | UInt8(scalar >> 6 & 0x3F), 0x80 | UInt8(scalar & 0x3F), 0
            )
            length = 3
        default:
            encoded = (
                0xF0 | UInt8(scalar >> 18), 0x80 | UInt8(scalar >> 12 & 0x3F),
                0x80 | UInt8(scalar >> 6 & 0x3F),
                0x80 | UInt8(scalar & 0x3F)
            )
            length = 4
        }
        withUnsafeBytes(of: encoded) { raw in
            for byte in raw.prefix(length) {
                keys[keyCount] = byte
                keyCount += 1
                hash = ContactDetailVocabulary.hash(hash, byte)
            }
        }
        if counted { word.letters += 1 }
        word.end = end
    }

    private mutating func closeWord() {
        guard open else { return }
        open = false
        word.keyEnd = keyCount
        // No listed word is all digits, and most words that are get here. A word made only of Greek or
        // Cyrillic look-alikes is Greek or Russian, not a disguise, and is not looked up.
        let keys = UnsafeBufferPointer(start: keys, count: keyCount)
        if word.letters > 0, lookalikes == 0 || lookalikes < word.letters,
            let entry = vocabulary.entry(hash: hash, keys: keys, range: word.keyStart..<word.keyEnd)
        {
            word.classes = entry.classes
            word.digitValue = entry.digit
        } else if apostropheKey > word.keyStart, let entry = elidedEntry(keys) {
            word.classes = entry.classes
            word.digitValue = entry.digit
        } else if word.letters > 0 && word.digits > 0, let entry = leetEntry(keys) {
            word.classes = entry.classes.intersection(Self.leetClasses)
            // "sn4p", "s1gnal"; but "5c" or "W4" are models, not "sc" or "wa".
            if word.keyLength >= 4 && entry.classes.contains(.weakPlatform) {
                word.classes.insert(.weakPlatform)
            }
        } else if word.digits == 0 && word.keyLength >= 5, let entry = stretchedEntry(keys) {
            word.classes = entry.classes.intersection(Self.leetClasses)
        }
        tokens.append(word)
    }

    /// The word on one side of an apostrophe: the messenger before a Turkish ending ("whatsapp'ın",
    /// "insta'dan"), or the word after a French or Italian elision ("d'ordine", "l'email").
    private func elidedEntry(_ keys: UnsafeBufferPointer<UInt8>) -> ContactDetailVocabulary.Entry? {
        let split = apostropheKey
        if let entry = vocabulary.entry(
            hash: Self.hash(keys, word.keyStart..<split), keys: keys, range: word.keyStart..<split),
            !entry.classes.isDisjoint(with: ContactDetailWordClass.serviceName)
        {
            var named = entry
            named.classes = entry.classes.intersection(ContactDetailWordClass.serviceName)
            return named
        }
        guard split < word.keyEnd else { return nil }
        return vocabulary.entry(
            hash: Self.hash(keys, split..<word.keyEnd), keys: keys, range: split..<word.keyEnd)
    }

    private static func hash(_ keys: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64 {
        var hash = ContactDetailVocabulary.hashSeed
        for index in range { hash = ContactDetailVocabulary.hash(hash, keys[index]) }
        return hash
    }

    /// The classes a word spelled with digits for letters ("W4tsApp", "1nsta", "gm4il") may take: names of
    /// messengers and mail services only, so "four15" or "A4" never turn into words.
    private static let leetClasses: ContactDetailWordClass = [
        .platform, .emailProvider, .distinctiveProvider, .mailbox,
    ]

    /// The messenger or mail service the open word names with letters held down ("waaatsap", "gmaail",
    /// "telegraaam"): read with every run of one letter as a single letter. Other words stay as typed.
    private func stretchedEntry(_ keys: UnsafeBufferPointer<UInt8>) -> ContactDetailVocabulary.Entry? {
        guard word.keyLength <= 24 else { return nil }
        var folded: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &folded) { buffer in
            var hash = ContactDetailVocabulary.hashSeed
            var count = 0
            for offset in 0..<word.keyLength {
                let byte = keys[word.keyStart + offset]
                if count > 0 && buffer[count - 1] == byte { continue }
                buffer[count] = byte
                count += 1
                hash = ContactDetailVocabulary.hash(hash, byte)
            }
            guard count < word.keyLength else { return nil }
            let bytes = UnsafeBufferPointer(
                start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 24)
            guard let entry = vocabulary.entry(hash: hash, keys: bytes, range: 0..<count),
                !entry.classes.isDisjoint(with: [.platform, .emailProvider, .mailbox])
            else { return nil }
            return entry
        }
    }

    /// The vocabulary entry for the open word read with 0→o, 1→i, 3→e, 4→a, 5→s, 7→t.
    private func leetEntry(_ keys: UnsafeBufferPointer<UInt8>) -> ContactDetailVocabulary.Entry? {
        guard word.keyLength <= 24 else { return nil }
        var folded: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &folded) { buffer in
            var hash = ContactDetailVocabulary.hashSeed
            for offset in 0..<word.keyLength {
                var byte = keys[word.keyStart + offset]
                switch byte {
                case UInt8(ascii: "0"): byte = UInt8(ascii: "o")
                case UInt8(ascii: "1"): byte = UInt8(ascii: "i")
                case UInt8(ascii: "3"): byte = UInt8(ascii: "e")
                case UInt8(ascii: "4"): byte = UInt8(ascii: "a")
                case UInt8(ascii: "5"): byte = UInt8(ascii: "s")
                case UInt8(ascii: "7"): byte = UInt8(ascii: "t")
                default: break
                }
                buffer[offset] = byte
                hash = ContactDetailVocabulary.hash(hash, byte)
            }
            let bytes = UnsafeBufferPointer(
                start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 24)
            return vocabulary.entry(hash: hash, keys: bytes, range: 0..<word.keyLength)
        }
    }

    private mutating func symbol(_ scalar: UInt32, start: Int, end: Int) {
        closeWord()
        tokens.append(
            ContactDetailToken(
                start: start, end: end, keyStart: keyCount, keyEnd: keyCount, symbol: scalar,
                spaceBefore: spaceBefore, lineBreakBefore: lineBreakBefore))
        spaceBefore = false
        lineBreakBefore = false
    }
}
