/// A message as the scanners see it: its tokens, their folded spellings, and the small questions every
/// scanner asks about them.
struct ContactDetailText {
    /// How a domain's labels are joined: "a.com", "a . com", "a dot com", "a point com", "a[.]com".
    enum Connector: Equatable {
        case tight, spaced, spoken, foreign, bracketed

        var isObfuscated: Bool { self != .tight }
    }

    private(set) var tokens: [ContactDetailToken]
    private(set) var keys: [UInt8]
    /// Not stored: the vocabulary's three arrays would be retained and released on every helper call.
    var vocabulary: ContactDetailVocabulary { .shared }

    init(utf8: UnsafeBufferPointer<UInt8>, vocabulary: ContactDetailVocabulary = .shared) {
        (tokens, keys) = ContactDetailTokenizer.tokenize(utf8, vocabulary: vocabulary)
        joinSpacedCharacters()
        joinSpelledNames()
        joinBrokenNames()
        joinSplitNames()
        dropPaddingAroundMarkers()
        collapseDoubledMarks()
    }

    var count: Int { tokens.count }

    @inline(__always) func isWord(_ index: Int) -> Bool {
        index >= 0 && index < tokens.count && tokens[index].isWord
    }

    @inline(__always) func has(_ index: Int, _ classes: ContactDetailWordClass) -> Bool {
        index >= 0 && index < tokens.count && !tokens[index].classes.isDisjoint(with: classes)
    }

    @inline(__always) func isSymbol(_ index: Int, _ character: Unicode.Scalar) -> Bool {
        index >= 0 && index < tokens.count && tokens[index].symbol == character.value
    }

    @inline(__always) func symbol(_ index: Int) -> UInt32 {
        index >= 0 && index < tokens.count ? tokens[index].symbol : 0
    }

    /// Whether token `index` touches the one before it, with no space between.
    @inline(__always) func touchesPrevious(_ index: Int) -> Bool {
        index > 0 && index < tokens.count && !tokens[index].spaceBefore
    }

    func keyEquals(_ index: Int, _ word: StaticString) -> Bool {
        guard isWord(index) else { return false }
        let token = tokens[index]
        guard token.keyLength == word.utf8CodeUnitCount else { return false }
        // Compared byte by byte through pointers: a slice comparison costs more than most words take.
        return word.withUTF8Buffer { word in
            keys.withUnsafeBufferPointer { keys in
                for offset in 0..<word.count where keys[token.keyStart + offset] != word[offset] { return false }
                return true
            }
        }
    }

    /// Whether word `index` is spelled as one of `words`.
    func keyIsOne(of words: [StaticString], at index: Int) -> Bool {
        guard isWord(index) else { return false }
        let length = tokens[index].keyLength
        for word in words where word.utf8CodeUnitCount == length && keyEquals(index, word) { return true }
        return false
    }

    /// The first byte of the folded spelling of word `index`, or 0 for anything else; a cheap test that
    /// rules most words out before comparing whole spellings.
    @inline(__always) func firstKeyByte(_ index: Int) -> UInt8 {
        guard isWord(index) else { return 0 }
        return keys[tokens[index].keyStart]
    }

    func keyHasPrefix(_ index: Int, _ prefix: StaticString) -> Bool {
        guard isWord(index) else { return false }
        let token = tokens[index]
        guard token.keyLength >= prefix.utf8CodeUnitCount else { return false }
        return prefix.withUTF8Buffer { prefix in
            keys.withUnsafeBufferPointer { keys in
                for offset in 0..<prefix.count where keys[token.keyStart + offset] != prefix[offset] { return false }
                return true
            }
        }
    }

    func keyHasSuffix(_ index: Int, _ suffix: StaticString) -> Bool {
        guard isWord(index) else { return false }
        let token = tokens[index]
        let length = suffix.utf8CodeUnitCount
        guard token.keyLength >= length else { return false }
        return suffix.withUTF8Buffer { keys[(token.keyEnd - length)..<token.keyEnd].elementsEqual($0) }
    }

    /// The vocabulary entry for part of a word's spelling, for words like "four15" that mix spellings.
    func entry(keyRange: Range<Int>) -> ContactDetailVocabulary.Entry? {
        var hash = ContactDetailVocabulary.hashSeed
        for index in keyRange { hash = ContactDetailVocabulary.hash(hash, keys[index]) }
        return keys.withUnsafeBufferPointer { vocabulary.entry(hash: hash, keys: $0, range: keyRange) }
    }

    /// Whether token `index` ends a sentence or a line, which no contact detail or phrase spans.
    func isBoundary(_ index: Int) -> Bool {
        guard index >= 0 && index < tokens.count else { return true }
        switch tokens[index].symbol {
        case 0x21, 0x3F, 0x3B: return true
        default: return false
        }
    }

    // MARK: Domains

    /// The last token of the domain label starting at `index` ("oakandpine-furniture" is one label).
    func labelEnd(from index: Int) -> Int? {
        guard isWord(index), !has(index, [.dotWord, .foreignDotWord, .atWord, .slashWord]) else { return nil }
        var last = index
        while isSymbol(last + 1, "-") && touchesPrevious(last + 1) && isWord(last + 2)
            && touchesPrevious(last + 2)
        {
            last += 2
        }
        return last
    }

    /// The connector after the label ending at `last`, and the first token of the label it leads to.
    func connector(after last: Int) -> (Connector, next: Int)? {
        let index = last + 1
        guard index < tokens.count, !tokens[index].lineBreakBefore else { return nil }
        let token = tokens[index]
        var kind: Connector
        var next = index + 1
        switch token.symbol {
        case 0x2E:
            kind = !token.spaceBefore && !(tokens.indices.contains(next) && tokens[next].spaceBefore) ? .tight : .spaced
        case 0x28, 0x5B, 0x7B, 0x3C:
            guard isSymbol(index + 1, ".") || has(index + 1, [.dotWord, .foreignDotWord]) else { return nil }
            let closing = tokens[index].symbol == 0x28 ? 0x29 : tokens[index].symbol == 0x3C ? 0x3E : token.symbol + 2
            guard symbol(index + 2) == closing else { return nil }
            kind = .bracketed
            next = index + 3
        case 0:
            if token.classes.contains(.dotWord) {
                kind = .spoken
            } else if token.classes.contains(.foreignDotWord) {
                kind = .foreign
            } else {
                return nil
            }
        default:
            return nil
        }
        guard next < tokens.count, !tokens[next].lineBreakBefore, labelEnd(from: next) != nil else { return nil }
        return (kind, next)
    }

    /// Whether the domain ending at `last` goes on with a path ("/item/4471", "slash oakchairs"), and where
    /// that path ends.
    func pathEnd(after last: Int) -> Int? {
        if isSymbol(last + 1, "/") && touchesPrevious(last + 1) {
            var end = last + 1
            while end + 1 < tokens.count && touchesPrevious(end + 1) { end += 1 }
            while end > last + 1 && isTrailingPunctuation(end) { end -= 1 }
            return end
        }
        if has(last + 1, .slashWord) && isWord(last + 2) { return last + 2 }
        return nil
    }

    func isTrailingPunctuation(_ index: Int) -> Bool {
        switch symbol(index) {
        case 0x2E, 0x2C, 0x3B, 0x3A, 0x21, 0x3F, 0x29, 0x5D, 0x7D, 0x22, 0x27, 0x3E: return true
        default: return false
        }
    }

    /// The end of an identifier such as "joe.smith", "thrift_queen_99" or "gamerguy#4821" starting at `index`.
    func identifierEnd(from index: Int) -> Int? {
        guard isWord(index) else { return nil }
        var last = index
        while touchesPrevious(last + 1) && touchesPrevious(last + 2) && isWord(last + 2) {
            switch symbol(last + 1) {
            case 0x2E, 0x5F, 0x2D: last += 2
            case 0x23 where tokens[last + 2].isNumber: last += 2
            default: return last
            }
        }
        return last
    }

    /// Whether the identifier from `first` to `last` looks made up (a digit, a dot, an underscore), which
    /// ordinary words after "my insta is" are not.
    func looksLikeHandle(_ first: Int, _ last: Int) -> Bool {
        if last > first { return true }
        return tokens[first].digits > 0 && tokens[first].letters > 0
    }

    // MARK: Spaced-out characters

    /// Joins runs of three or more single characters separated by single spaces ("w w w", "g m a i l",
    /// "0 7 7 0 0") into one word, so every scanner sees what a reader sees. A longer run may carry the
    /// punctuation of an address ("s a r a h . k l e i n @ w e b . d e"); it is then read as written tight.
    private mutating func joinSpacedCharacters() {
        var index = 0
        var result: [ContactDetailToken]? = nil
        while index < tokens.count {
            var last = index
            var characters = 1
            var plainLast = index
            var punctuated = false
            if tokens[index].isSingleCharacter && !isLoneLetterBeforeDigits(index) {
                while isSpacedNeighbour(last + 1, of: last) {
                    if tokens[last + 1].isSingleCharacter {
                        last += 1
                    } else if isAddressPunctuation(tokens[last + 1].symbol) && isSpacedNeighbour(last + 2, of: last + 1)
                        && tokens[last + 2].isSingleCharacter
                    {
                        last += 2
                        punctuated = true
                    } else {
                        break
                    }
                    characters += 1
                    if !punctuated { plainLast = last }
                }
            }
            // Short punctuated runs are ordinary text ("S - M - L"); only the plain part is joined then.
            if punctuated && characters < 6 { last = plainLast }
            if last - index >= 2 {
                if result == nil { result = Array(tokens[..<index]) }
                appendJoined(index...last, to: &result!)
            } else {
                result?.append(contentsOf: tokens[index...last])
            }
            index = last + 1
        }
        if let result { tokens = result }
    }

    /// Joins a messenger's or mail service's name spelled letter by letter with a mark between
    /// ("w.a.t.s.a.p.p", "W-h-a-t-s-A-p-p", "g_m_a_i_l"); other spelled runs ("S-M-L", "e.g.") stay.
    private mutating func joinSpelledNames() {
        var index = 0
        var result: [ContactDetailToken]? = nil
        while index < tokens.count {
            var last = index
            if tokens[index].isSingleCharacter && tokens[index].letters == 1 {
                let mark = symbol(index + 1)
                while last + 2 < tokens.count && isSpelledMark(symbol(last + 1)) && symbol(last + 1) == mark
                    && touchesPrevious(last + 1) && touchesPrevious(last + 2) && tokens[last + 2].isSingleCharacter
                    && tokens[last + 2].letters == 1 && last - index < 48
                {
                    last += 2
                }
            }
            if last - index >= 6, let word = spelledName(index...last) {
                if result == nil { result = Array(tokens[..<index]) }
                result!.append(word)
            } else {
                result?.append(contentsOf: tokens[index...last])
            }
            index = last + 1
        }
        if let result { tokens = result }
    }

    private func isSpelledMark(_ symbol: UInt32) -> Bool {
        symbol == 0x2E || symbol == 0x2D || symbol == 0x5F || symbol == 0x2A
    }

    /// The letters at every other token of `range` as one word, if they spell a messenger or mail service.
    private mutating func spelledName(_ range: ClosedRange<Int>) -> ContactDetailToken? {
        let keyStart = keys.count
        var hash = ContactDetailVocabulary.hashSeed
        for index in stride(from: range.lowerBound, through: range.upperBound, by: 2) {
            let byte = keys[tokens[index].keyStart]
            keys.append(byte)
            hash = ContactDetailVocabulary.hash(hash, byte)
        }
        guard
            let entry = keys.withUnsafeBufferPointer({
                vocabulary.entry(hash: hash, keys: $0, range: keyStart..<keys.count)
            }), !entry.classes.isDisjoint(with: .serviceName)
        else {
            keys.removeLast(keys.count - keyStart)
            return nil
        }
        let first = tokens[range.lowerBound]
        var token = ContactDetailToken(
            start: first.start, end: tokens[range.upperBound].end, keyStart: keyStart, keyEnd: keys.count,
            spaceBefore: first.spaceBefore, lineBreakBefore: first.lineBreakBefore)
        token.letters = keys.count - keyStart
        token.classes = entry.classes
        token.digitValue = entry.digit
        token.joined = true
        return token
    }

    /// "my digits r 2 1 3": a letter that is a word ("r", "u", "a") before spaced-out digits, which letters
    /// drawn like digits ("O 7 7 0 0", "l 2 3") are not.
    private func isLoneLetterBeforeDigits(_ index: Int) -> Bool {
        guard tokens[index].letters == 1, isSpacedNeighbour(index + 1, of: index), tokens[index + 1].digits == 1,
            tokens[index + 1].isSingleCharacter
        else { return false }
        switch keys[tokens[index].keyStart] {
        case UInt8(ascii: "o"), UInt8(ascii: "l"), UInt8(ascii: "i"), UInt8(ascii: "s"), UInt8(ascii: "b"),
            UInt8(ascii: "z"):
            return false
        default: return true
        }
    }

    private func isSpacedNeighbour(_ index: Int, of previous: Int) -> Bool {
        index < tokens.count && tokens[index].spaceBefore && !tokens[index].lineBreakBefore
            && tokens[index].start - tokens[previous].end <= 2
    }

    private func isAddressPunctuation(_ symbol: UInt32) -> Bool {
        symbol == 0x2E || symbol == 0x40 || symbol == 0x5F || symbol == 0x2D
    }

    /// Appends the spaced-out run `range`: each stretch of single characters as one word, and any address
    /// punctuation between stretches as a symbol touching both sides.
    private mutating func appendJoined(_ range: ClosedRange<Int>, to result: inout [ContactDetailToken]) {
        var start = range.lowerBound
        var first = true
        while start <= range.upperBound {
            var end = start
            while end + 1 <= range.upperBound && tokens[end + 1].isSingleCharacter { end += 1 }
            var word = end > start ? joined(start...end) : tokens[start]
            if !first { word.spaceBefore = false }
            result.append(word)
            if end + 1 <= range.upperBound {
                var symbol = tokens[end + 1]
                symbol.spaceBefore = false
                result.append(symbol)
            }
            first = false
            start = end + 2
        }
    }

    /// Joins a messenger's or mail service's name broken up by a symbol ("sn@p", "telly-gram", "whats-app",
    /// "e-mail", "w/app"), reading "@" as the "a" it stands for.
    private mutating func joinBrokenNames() {
        var index = 0
        var result: [ContactDetailToken]? = nil
        while index < tokens.count {
            if tokens[index].letters > 0, index + 2 < tokens.count,
                tokens[index + 1].symbol == 0x40 || tokens[index + 1].symbol == 0x2D
                    || tokens[index + 1].symbol == 0x2A || tokens[index + 1].symbol == 0x2F,
                touchesPrevious(index + 1), touchesPrevious(index + 2), isWord(index + 2),
                let (entry, spelling) = brokenName(
                    tokens[index], tokens[index + 2], at: tokens[index + 1].symbol == 0x40)
            {
                if result == nil { result = Array(tokens[..<index]) }
                let second = tokens[index + 2]
                var token = tokens[index]
                token.end = second.end
                token.keyStart = keys.count
                keys.append(contentsOf: spelling)
                token.keyEnd = keys.count
                token.letters += second.letters + (tokens[index + 1].symbol == 0x40 ? 1 : 0)
                token.digits += second.digits
                token.classes = entry.classes
                token.digitValue = entry.digit
                result!.append(token)
                index += 3
                continue
            }
            result?.append(tokens[index])
            index += 1
        }
        if let result { tokens = result }
    }

    /// The messenger or mail service that `first` and `second` spell together, and that spelling. Looked
    /// up from a buffer on the stack: "a-a-a-…" must not cost an allocation per hyphen.
    private func brokenName(
        _ first: ContactDetailToken, _ second: ContactDetailToken, at: Bool
    ) -> (ContactDetailVocabulary.Entry, [UInt8])? {
        let length = first.keyLength + second.keyLength + (at ? 1 : 0)
        guard first.letters > 0, second.letters > 0, length >= 4, length <= 24 else { return nil }
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &buffer) { raw in
            var hash = ContactDetailVocabulary.hashSeed
            var count = 0
            func add(_ byte: UInt8) {
                raw[count] = byte
                count += 1
                hash = ContactDetailVocabulary.hash(hash, byte)
            }
            for offset in first.keyStart..<first.keyEnd { add(keys[offset]) }
            if at { add(UInt8(ascii: "a")) }
            for offset in second.keyStart..<second.keyEnd { add(keys[offset]) }
            let bytes = UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count)
            guard let entry = vocabulary.entry(hash: hash, keys: bytes, range: 0..<count),
                entry.classes.rawValue & ContactDetailWordClass.serviceName.rawValue != 0
            else { return nil }
            return (entry, Array(bytes))
        }
    }

    /// Joins a messenger's, mail service's or link shortener's name split by a space ("g mail", "hot mail",
    /// "insta gram", "snap chat", "tiny url") into the one word it spells; a first part that is an everyday
    /// word ("we chat") stays.
    private mutating func joinSplitNames() {
        var index = 0
        var result: [ContactDetailToken]? = nil
        while index < tokens.count {
            let first = tokens[index]
            // A weak name may start one ("tele gram", "snap chat"); a full one ("gmail chat") does not.
            if index + 1 < tokens.count, first.digits == 0, first.letters > 0, first.keyLength <= 6,
                first.classes.isDisjoint(with: [.platform, .emailProvider, .mailbox]),
                !first.classes.contains(.commonWord) || first.keyLength == 1
            {
                let second = tokens[index + 1]
                if second.classes.contains(.namePart), second.spaceBefore, !second.lineBreakBefore,
                    second.start - first.end == 1, second.keyLength <= 8,
                    let entry = splitName(first, second)
                {
                    if result == nil { result = Array(tokens[..<index]) }
                    var token = first
                    token.end = second.end
                    token.keyStart = keys.count
                    keys.append(contentsOf: keys[first.keyStart..<first.keyEnd])
                    keys.append(contentsOf: keys[second.keyStart..<second.keyEnd])
                    token.keyEnd = keys.count
                    token.letters += second.letters
                    token.classes = entry.classes
                    token.digitValue = entry.digit
                    result!.append(token)
                    index += 2
                    continue
                }
            }
            result?.append(tokens[index])
            index += 1
        }
        if let result { tokens = result }
    }

    /// The messenger or mail provider that two words spell together, hashed without a copy.
    private func splitName(_ first: ContactDetailToken, _ second: ContactDetailToken) -> ContactDetailVocabulary.Entry?
    {
        var hash = ContactDetailVocabulary.hashSeed
        for offset in first.keyStart..<first.keyEnd { hash = ContactDetailVocabulary.hash(hash, keys[offset]) }
        for offset in second.keyStart..<second.keyEnd { hash = ContactDetailVocabulary.hash(hash, keys[offset]) }
        let count = first.keyLength + second.keyLength
        var buffer: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &buffer) { raw in
            for offset in 0..<first.keyLength { raw[offset] = keys[first.keyStart + offset] }
            for offset in 0..<second.keyLength { raw[first.keyLength + offset] = keys[second.keyStart + offset] }
            let bytes = UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count)
            guard let entry = vocabulary.entry(hash: hash, keys: bytes, range: 0..<count),
                !entry.classes.isDisjoint(with: [.platform, .emailProvider, .shortener])
            else { return nil }
            return entry
        }
    }

    /// "paul@@outlook..com": a doubled "@" or "." inside a word run is read as one, as the writer intends.
    private mutating func collapseDoubledMarks() {
        var result: [ContactDetailToken]? = nil
        for index in tokens.indices {
            let mark = tokens[index].symbol
            if (mark == 0x40 || mark == 0x2E) && index > 0 && symbol(index + 1) == mark && touchesPrevious(index)
                && touchesPrevious(index + 1) && isWord(index - 1) && isWord(index + 2) && touchesPrevious(index + 2)
            {
                if result == nil { result = Array(tokens[..<index]) }
                continue
            }
            result?.append(tokens[index])
        }
        if let result { tokens = result }
    }

    /// Drops the filler people put around a spelled-out "at" or "dot" ("sam + at + proton + dot + me",
    /// "joe *at* gmail"), so the address reads as "sam at proton dot me".
    private mutating func dropPaddingAroundMarkers() {
        var dropped: [Bool]? = nil
        let markers = ContactDetailWordClass.spelledMarker.rawValue
        for index in tokens.indices where tokens[index].classes.rawValue & markers != 0 {
            let padding = symbol(index - 1)
            guard padding == symbol(index + 1) else { continue }
            switch padding {
            case 0x2B, 0x2A, 0x7E, 0x7C, 0x3D, 0x2D, 0x23, 0x5F:
                if dropped == nil { dropped = Array(repeating: false, count: tokens.count) }
                dropped![index - 1] = true
                dropped![index + 1] = true
            default: continue
            }
        }
        guard let dropped else { return }
        var result: [ContactDetailToken] = []
        result.reserveCapacity(tokens.count)
        for index in tokens.indices where !dropped[index] {
            var token = tokens[index]
            // "+at+" written tight still reads as separate words once the padding is gone.
            if index > 0 && dropped[index - 1] { token.spaceBefore = true }
            result.append(token)
        }
        tokens = result
    }

    private mutating func joined(_ range: ClosedRange<Int>) -> ContactDetailToken {
        let first = tokens[range.lowerBound]
        var token = ContactDetailToken(
            start: first.start, end: tokens[range.upperBound].end, keyStart: keys.count, keyEnd: keys.count,
            spaceBefore: first.spaceBefore, lineBreakBefore: first.lineBreakBefore)
        var hash = ContactDetailVocabulary.hashSeed
        for index in range {
            let part = tokens[index]
            for offset in part.keyStart..<part.keyEnd {
                keys.append(keys[offset])
                hash = ContactDetailVocabulary.hash(hash, keys[offset])
            }
            token.digits += part.digits
            token.letters += part.letters
        }
        token.keyEnd = keys.count
        token.joined = true
        if let entry = keys.withUnsafeBufferPointer({
            vocabulary.entry(hash: hash, keys: $0, range: token.keyStart..<token.keyEnd)
        }) {
            token.classes = entry.classes
            token.digitValue = entry.digit
        }
        return token
    }
}
