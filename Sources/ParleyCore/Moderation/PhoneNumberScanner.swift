/// Finds phone numbers however they are written: "+44 7700 900123", "(415) 555-0134", "0176/1234567",
/// digits spaced out or said in words ("four15 555 oh one 34"), and tells them from prices, dates, ranges,
/// versions and order, tracking or model numbers by their shape and the words around them.
struct PhoneNumberScanner {
    /// One run of digits between separators.
    private struct Group {
        var digits: Int
        /// The run's value when it is short enough to compare; -1 otherwise.
        var value: Int
        var leadingZero: Bool
        /// Said in words, or with letters standing in for digits ("oh", "O7700").
        var spoken: Bool
        /// The separator before this group: a space, or the last punctuation mark between the groups.
        var separator: UInt32
        /// Which digits occur, to throw out filler like "0000 0000 0000".
        var digitSet: UInt16
        /// "twenty", which a following "one" completes rather than extends.
        var tens = false
        /// "sześćset", which a following "dwa" or "czterdzieści" completes rather than extends.
        var hundreds = false
        /// One number said as one word ("seven", "forty"), which can complete a tens or hundreds word.
        var word = false
        /// Reached over joining words ("0151, second bit is 234 56789", "0791 then 123").
        var bridged = false
    }

    /// What the words around a number say it is.
    private struct Context {
        /// A phone word before the number; one after it ("555-0134, call me") counts for less, because "order
        /// 1029384756, call 0800 123 4567" is about the order.
        var phone = false
        /// A phone word or "number" within three words before it ("mój numer 600-700-800"), which outweighs a
        /// shape that lists figures.
        var closePhone = false
        var phoneAfter = false
        var number = false
        var identifier = false
        var price = false
    }

    private static let space: UInt32 = 0x20

    func scan(_ text: ContactDetailText, into matches: inout [ContactDetailMatch]) {
        var groups: [Group] = []
        var index = 0
        while index < text.count {
            if let last = vanityNumberEnd(text, at: index) {
                matches.append(
                    ContactDetailMatch(
                        start: text.tokens[index].start, end: text.tokens[last].end, kind: .phone))
                index = last + 1
                continue
            }
            var first = index
            var international = false
            if text.isSymbol(index, "+") || text.has(index, .plus) {
                international = true
                first = index + 1
            } else if text.isSymbol(index, "(") {
                first = index + 1
            }
            guard first < text.count, !(first != index && text.tokens[first].lineBreakBefore),
                let unit = unit(text, first)
            else {
                index += 1
                continue
            }
            groups.removeAll(keepingCapacity: true)
            groups.append(unit)
            var last = first
            var anySpoken = unit.spoken
            while let (next, separator) = nextUnit(
                text, after: last, previous: groups[groups.count - 1], anySpoken: anySpoken)
            {
                anySpoken = anySpoken || next.group.spoken
                var group = next.group
                if completes(groups[groups.count - 1], group, separator: separator) { group.digits = 0 }
                group.separator = separator
                groups.append(group)
                last = next.index
            }
            let firstKey = text.tokens[first].keyStart
            if groups[0].digits >= 2 && !groups[0].spoken && text.keys[firstKey] == 0x30
                && text.keys[firstKey + 1] == 0x30
            {
                international = true
            }
            if accepts(text, groups, start: index, last: last, international: international) {
                var end = last
                if text.isSymbol(last + 1, ")") && text.touchesPrevious(last + 1) { end += 1 }
                matches.append(
                    ContactDetailMatch(
                        start: text.tokens[index].start, end: text.tokens[end].end,
                        kind: .phone))
            }
            index = last + 1
        }
    }

    /// "1-800-FLOWERS", "call 888-GET-SOFA": a toll-free number spelled with letters in capitals, after the
    /// "1" or a phone word.
    private func vanityNumberEnd(_ text: ContactDetailText, at index: Int) -> Int? {
        var prefix = index
        let dialled = text.keyEquals(index, "1") && text.isSymbol(index + 1, "-")
        if dialled { prefix = index + 2 }
        guard text.tokens[prefix].isNumber, isTollFree(text, prefix), text.isSymbol(prefix + 1, "-"),
            text.touchesPrevious(prefix + 1), text.touchesPrevious(prefix + 2)
        else { return nil }
        var last = prefix + 2
        var letters = 0
        while text.isWord(last) && text.tokens[last].digits == 0
            && text.tokens[last].capitals == text.tokens[last].letters
        {
            letters += text.tokens[last].letters
            guard
                text.isSymbol(last + 1, "-") && text.touchesPrevious(last + 1)
                    && text.touchesPrevious(last + 2)
                    && text.isWord(last + 2)
                    && text.tokens[last + 2].capitals == text.tokens[last + 2].letters
                    && text.tokens[last + 2].digits == 0
            else { break }
            last += 2
        }
        guard letters >= 4 && letters <= 10, text.isWord(last) else { return nil }
        return dialled
            || context(text, start: index, last: last, bridged: false, dictated: false).closePhone
            ? last : nil
    }

    /// "800", "888", "877", "866", "855", "844", "833", "0800", "0808": the toll-free prefixes.
    private func isTollFree(_ text: ContactDetailText, _ index: Int) -> Bool {
        text.keyEquals(index, "800") || text.keyEquals(index, "888") || text.keyEquals(index, "877")
            || text.keyEquals(index, "866") || text.keyEquals(index, "855")
            || text.keyEquals(index, "844")
            || text.keyEquals(index, "833") || text.keyEquals(index, "0800")
            || text.keyEquals(index, "0808")
    }

    /// "twenty one" is two digits, not three; "sześćset dwa" and "pięćset sześćdziesiąt" are three, not four
    /// or five: a digit or tens word right after a tens or hundreds word completes it.
    private func completes(_ previous: Group, _ group: Group, separator: UInt32) -> Bool {
        guard group.spoken, group.word, !group.bridged, !group.leadingZero,
            separator == Self.space || separator == 0x2D
        else { return false }
        if previous.hundreds { return (group.digits == 1 && group.value > 0) || group.digits == 2 }
        return previous.tens && group.digits == 1 && group.value > 0
    }

    /// The next digit group after the group ending at token `last`, if only separators stand between them.
    private func nextUnit(
        _ text: ContactDetailText, after last: Int, previous: Group, anySpoken: Bool
    )
        -> ((group: Group, index: Int), UInt32)?
    {
        var index = last + 1
        var marks = 0
        var separator = Self.space
        var comma = false
        var plus = false
        var joiners = 0
        while index < text.count {
            let token = text.tokens[index]
            guard !token.lineBreakBefore else { return nil }
            if token.isWord {
                // A number given in pieces: "0151, second bit is 234 56789", "0791 then 123 then 4567".
                guard unit(text, index) == nil, !(previous.spoken && text.has(index, .everydayNumber))
                else { break }
                guard joiners < 5, token.classes.contains(.numberJoiner) else { return nil }
                joiners += 1
                index += 1
                continue
            }
            // An ellipsis, "..." or "…", is one separator however many dots it has.
            let ellipsis =
                token.symbol == 0x2E && text.isSymbol(index - 1, ".") && text.touchesPrevious(index)
            guard marks < 2 || ellipsis else { return nil }
            switch token.symbol {
            case 0x2D, 0x2F: separator = token.symbol
            case 0x5F: separator = 0x2D
            case 0x2E, 0x2026: separator = 0x2E
            case 0x28, 0x29: break
            case 0x2C: comma = true
            // "07 + 723 + 448 + 019": pieces to be joined, held to the rules of a number given in pieces.
            case 0x2B: plus = true
            case 0x3A where joiners > 0: break
            // "0 7 7 0 0 🔸 9 0 0", "07700 | 900 | 123": a drawn separator between pieces; not an arrow, which
            // leads from one price to the next ("650 → 600").
            case 0x7C, 0x25A0...0x2793, 0x2B50...0x2BFF, 0x1F300...0x1FAFF: break
            default: return nil
            }
            if !ellipsis { marks += 1 }
            index += 1
        }
        guard index < text.count, !text.tokens[index].lineBreakBefore,
            var group = unit(text, index)
                ?? (previous.spoken ? everydayNumber(text, index, after: previous) : nil)
        else {
            return nil
        }
        // A comma splits a dictated number ("sześć zero jeden, 447, 298") but also lists figures ("sizes 38,
        // 40"): it joins pieces only once some piece was said in words.
        if comma && joiners == 0 && !(anySpoken || group.spoken) { return nil }
        if comma { separator = 0x2C }
        // "treinta y cuatro", "forty and two" say one two-digit number, not two pieces.
        let completesTens =
            previous.tens && joiners == 1 && group.spoken && group.digits == 1 && group.value > 0
        group.bridged = (joiners > 0 && !completesTens) || plus
        // A piece reached over words is a run of digits, or one digit that starts a run ("then 0 one 3 two"),
        // and in words only after words or when it is a run itself: "+44 7700 900123 after six" ends at the
        // number.
        if group.bridged {
            let startsRun = nextStartsRun(text, after: index)
            if !group.spoken && group.digits < 2 && !startsRun { return nil }
            if group.spoken && !previous.spoken && group.digits < 2 && !startsRun { return nil }
        }
        return ((group, index), completesTens ? Self.space : separator)
    }

    /// "once", "elf", "seize": numbers that are everyday words too, read as two digits only inside a number
    /// already being said in words ("seis cero cero, once, veintidós"); Turkish "yüz" likewise.
    private func everydayNumber(
        _ text: ContactDetailText, _ index: Int, after previous: Group
    )
        -> Group?
    {
        guard text.has(index, .everydayNumber) else { return nil }
        if text.has(index, .hundred) { return everydayHundred(after: previous) }
        let token = text.tokens[index]
        return Group(
            digits: 2, value: -1, leadingZero: false, spoken: true, separator: 0,
            digitSet: 1 << UInt16(max(0, token.digitValue)))
    }

    /// Turkish "yüz", a hundred: "beş yüz" is five hundred, two zeros after the digit; alone it is "one
    /// hundred" ("yüz yirmi üç" is 123). Either way the tens and digits said next complete it.
    private func everydayHundred(after previous: Group) -> Group {
        if previous.word && previous.digits == 1 && !previous.hundreds {
            return Group(
                digits: 2, value: 0, leadingZero: false, spoken: true, separator: 0, digitSet: 1,
                hundreds: true)
        }
        return Group(
            digits: 3, value: -1, leadingZero: false, spoken: true, separator: 0, digitSet: 3,
            hundreds: true)
    }

    /// Whether another digit group follows token `index` after a single space.
    private func nextStartsRun(_ text: ContactDetailText, after index: Int) -> Bool {
        index + 1 < text.count && text.tokens[index + 1].spaceBefore
            && !text.tokens[index + 1].lineBreakBefore
            && unit(text, index + 1) != nil
    }

    /// The digits token `index` stands for, if it stands for digits at all: "0176", "four", "oh", "four15",
    /// "9OO123", "double".
    private func unit(_ text: ContactDetailText, _ index: Int) -> Group? {
        let token = text.tokens[index]
        guard token.isWord else { return nil }
        if token.letters == 0 {
            var value = 0
            var digitSet: UInt16 = 0
            for position in token.keyStart..<token.keyEnd {
                let digit = Int(text.keys[position] &- 0x30)
                guard digit >= 0 && digit <= 9 else { return nil }
                if value >= 0 { value = value < 100_000_000 ? value * 10 + digit : -1 }
                digitSet |= 1 << digit
            }
            return Group(
                digits: token.digits, value: value, leadingZero: text.keys[token.keyStart] == 0x30,
                spoken: false, separator: 0, digitSet: digitSet)
        }
        if token.digits == 0 {
            if token.classes.contains(.digit) || token.classes.contains(.weakZero) {
                let digit = Int(token.digitValue)
                return Group(
                    digits: 1, value: digit, leadingZero: digit == 0, spoken: true, separator: 0,
                    digitSet: 1 << digit, word: token.classes.contains(.digit))
            }
            if token.classes.contains(.multiplier) {
                return Group(
                    digits: Int(token.digitValue) - 1, value: -1, leadingZero: false, spoken: true,
                    separator: 0, digitSet: 0)
            }
            if token.classes.contains(.twoDigitNumber) {
                return Group(
                    digits: 2, value: -1, leadingZero: false, spoken: true, separator: 0,
                    digitSet: 1 << UInt16(token.digitValue), tens: token.classes.contains(.tens), word: true)
            }
            if token.classes.contains(.hundreds) {
                return Group(
                    digits: 3, value: -1, leadingZero: false, spoken: true, separator: 0,
                    digitSet: 1 << UInt16(token.digitValue) | 1, hundreds: true)
            }
            if token.classes.contains(.hundred) {
                // "yüz" is a number only inside one (`everydayNumber`); "nine hundred" completes the nine.
                guard !token.classes.contains(.everydayNumber) else { return nil }
                return Group(
                    digits: 2, value: 0, leadingZero: false, spoken: true, separator: 0, digitSet: 1,
                    hundreds: true)
            }
            for position in token.keyStart..<token.keyEnd where text.keys[position] != UInt8(ascii: "o") {
                return nil
            }
            return Group(
                digits: token.letters, value: 0, leadingZero: true, spoken: true, separator: 0,
                digitSet: 1)
        }
        // Letters standing in for digits: runs of "o" or digit words between runs of digits.
        var digits = 0
        var digitSet: UInt16 = 0
        var leadingZero: Bool? = nil
        var position = token.keyStart
        while position < token.keyEnd {
            let byte = text.keys[position]
            if byte >= 0x30 && byte <= 0x39 {
                digits += 1
                digitSet |= 1 << (byte - 0x30)
                if leadingZero == nil { leadingZero = byte == 0x30 }
                position += 1
                continue
            }
            var runEnd = position
            while runEnd < token.keyEnd && !(text.keys[runEnd] >= 0x30 && text.keys[runEnd] <= 0x39) {
                runEnd += 1
            }
            if (position..<runEnd).allSatisfy({ text.keys[$0] == UInt8(ascii: "o") }) {
                digits += runEnd - position
                digitSet |= 1
                if leadingZero == nil { leadingZero = true }
            } else if runEnd == position + 1 && position > token.keyStart && runEnd < token.keyEnd,
                let digit = Self.leetDigit(text.keys[position])
            {
                // One letter between digits drawn like a digit: "4I5", "33l7", "9S1".
                digits += 1
                digitSet |= 1 << digit
            } else if let entry = text.entry(keyRange: position..<runEnd),
                !entry.classes.isDisjoint(with: [.digit, .weakZero])
            {
                digits += 1
                digitSet |= 1 << UInt16(entry.digit)
                if leadingZero == nil { leadingZero = entry.digit == 0 }
            } else if runEnd < token.keyEnd, let entry = text.entry(keyRange: position..<runEnd),
                entry.classes.contains(.multiplier)
            {
                // "9double00": the digit after "double" is said twice.
                digits += Int(entry.digit) - 1
            } else {
                return nil
            }
            position = runEnd
        }
        return Group(
            digits: digits, value: -1, leadingZero: leadingZero ?? false, spoken: true, separator: 0,
            digitSet: digitSet)
    }

    /// The digit a letter is drawn like, for letters slipped between digits.
    private static func leetDigit(_ letter: UInt8) -> UInt16? {
        switch letter {
        case UInt8(ascii: "i"), UInt8(ascii: "l"): return 1
        case UInt8(ascii: "s"): return 5
        case UInt8(ascii: "b"): return 8
        case UInt8(ascii: "z"): return 2
        default: return nil
        }
    }

    private func accepts(
        _ text: ContactDetailText, _ groups: [Group], start: Int, last: Int, international: Bool
    ) -> Bool {
        var total = 0
        var spokenDigits = 0
        var digitSet: UInt16 = 0
        // "one, two, three, four, five, six, seven" counts; it dials nothing.
        var counting = true
        for (offset, group) in groups.enumerated() {
            total += group.digits
            if group.spoken { spokenDigits += max(group.digits, 1) }
            digitSet |= group.digitSet
            if group.digits != 1 || (offset > 0 && group.value != groups[offset - 1].value + 1) {
                counting = false
            }
        }
        // One word before a run of digits ("um, 250000", "een 4567890") is a filler or an article, not a
        // number said in words.
        let spoken = spokenDigits >= 2
        guard total >= 7 && total <= 15, !(international && total < 8), digitSet.nonzeroBitCount >= 3,
            !counting
        else {
            return false
        }
        if isGluedToLetters(text, start: start, last: last) { return false }
        // A number said mostly in words is dictated; "in case the app fails: zero seven seven…" is no case number.
        let dictated = spokenDigits * 2 >= total
        let context = context(
            text, start: start, last: last, bridged: groups.contains(where: \.bridged), dictated: dictated
        )
        if context.price || (context.identifier && !context.phone) { return false }
        // Pieces joined over words must look like one phone number on their own: ten digits or more that
        // start like a dialled number or follow a phone word.
        if groups.contains(where: \.bridged) {
            // A number that opens in words ("nine one seven, then 555") is being dictated on purpose.
            let dialled = groups[0].leadingZero || international || groups[0].spoken
            guard total >= 10, dialled || context.phone || context.number else {
                return false
            }
        }
        if !spoken && hasNonPhoneShape(groups, international: international) { return false }
        if !spoken && !context.closePhone && isListOfFigures(groups) { return false }
        // "pięćset, sześćset, siedemset": hundreds one after another list prices unless a phone word leads in.
        if !context.closePhone && groups.allSatisfy(\.hundreds) { return false }
        if international || context.phone || context.phoneAfter || context.number || spoken {
            return true
        }
        if groups[0].leadingZero { return total >= 9 }
        if isThreeByThree(groups) { return true }
        if groups.count > 1 || text.tokens[start].joined { return total >= 10 }
        return total <= 12 && total >= 10
    }

    /// "612 345 678", "601-234-567": the way Spain, Poland and Portugal write a mobile number, three groups of
    /// three opening with 5 to 9 and written with one separator; lists and round figures were ruled out before.
    private func isThreeByThree(_ groups: [Group]) -> Bool {
        guard groups.count == 3, groups.allSatisfy({ $0.digits == 3 && !$0.spoken && !$0.bridged }),
            groups[0].value >= 500, groups[1].separator == groups[2].separator,
            groups[1].separator == Self.space || groups[1].separator == 0x2D
        else { return false }
        return true
    }

    /// Codes such as "A-1029384", "INV-2025-00412" or "#559812": digits hanging off letters or a hash.
    private func isGluedToLetters(_ text: ContactDetailText, start: Int, last: Int) -> Bool {
        if text.touchesPrevious(start) {
            if text.isSymbol(start - 1, "#") { return true }
            switch text.symbol(start - 1) {
            case 0x2D, 0x5F, 0x2F, 0x2E:
                if text.touchesPrevious(start - 1) && text.isWord(start - 2)
                    && text.tokens[start - 2].letters > 0
                    && !text.has(start - 2, .phoneContext)
                {
                    return true
                }
            default: break
            }
        }
        switch text.symbol(last + 1) {
        case 0x2D, 0x5F, 0x2F:
            return text.touchesPrevious(last + 1) && text.touchesPrevious(last + 2)
                && text.isWord(last + 2)
                && text.tokens[last + 2].letters > 0
        default:
            return false
        }
    }

    /// Dates (12/03/2025, 2025-03-12), ranges (1000-1200), lists of years or sizes (2019 2020 2021,
    /// 8 10 12 14 16) and versions or addresses (3.2.0.1147): digit runs that are not numbers to dial.
    private func hasNonPhoneShape(_ groups: [Group], international: Bool) -> Bool {
        let count = groups.count
        if count == 3 && groups[1].separator == groups[2].separator && groups[1].separator != Self.space {
            let lengths = (groups[0].digits, groups[1].digits, groups[2].digits)
            if lengths.0 <= 2 && lengths.1 <= 2 && (lengths.2 == 2 || lengths.2 == 4) { return true }
            if lengths.0 == 4 && lengths.1 <= 2 && lengths.2 <= 2 { return true }
        }
        if count == 2 && !groups[0].leadingZero && !groups[1].leadingZero && groups[0].value >= 0
            && groups[0].digits == groups[1].digits && groups[0].value < groups[1].value
        {
            return true
        }
        // "2023/11/00451": a year and a month open order and file numbers, never a phone number.
        if count >= 3 && groups[0].digits == 4 && groups[0].value >= 1900 && groups[0].value <= 2099
            && groups[1].digits <= 2 && groups[1].value >= 1 && groups[1].value <= 12
            && groups[1].separator != Self.space && groups[1].separator != 0x2C
        {
            return true
        }
        if count >= 2 && groups.allSatisfy({ $0.digits == 4 && $0.value >= 1900 && $0.value <= 2099 }) {
            return true
        }
        // "3.2.0.1147" is a version; "+1.646.555.0142" and "+33.6.12.34.56.78" are dialled, and so is
        // "0.7.7.0.0.9.0.0.1.2.3": no version has that many parts.
        if !international && count <= 5 && groups.contains(where: { $0.separator == 0x2E })
            && groups.contains(where: { $0.digits == 1 })
        {
            return true
        }
        return false
    }

    /// Rising runs (8 10 12 14 16) and round figures (1000 2000 5000): lists of sizes or prices, unless a
    /// phone word or "my number" stands right before them ("mój numer 600-700-800").
    private func isListOfFigures(_ groups: [Group]) -> Bool {
        let count = groups.count
        if count >= 3 && groups.allSatisfy({ $0.digits <= 3 && !$0.leadingZero }) {
            var increasing = true
            for index in 1..<count where groups[index].value <= groups[index - 1].value {
                increasing = false
            }
            if increasing { return true }
        }
        return count >= 2
            && groups.allSatisfy({ $0.digits >= 3 && $0.value >= 0 && $0.value % 100 == 0 })
    }

    /// Reads up to six words back and three words on: "order", "SKU", "tracking" make a number an
    /// identifier; "call", "mobile", "my number" make it a phone number; a currency or unit makes it a price
    /// or a measurement.
    private func context(
        _ text: ContactDetailText, start: Int, last: Int, bridged: Bool, dictated: Bool
    ) -> Context {
        var context = Context()
        var index = start - 1
        var words = 0
        var immediate = true
        while index >= 0 && words < 6 {
            let token = text.tokens[index]
            if token.isWord {
                words += 1
                if token.classes.contains(.phoneContext) { context.phone = true }
                if token.classes.contains(.numberNoun) { context.number = true }
                if words <= 3 && !token.classes.isDisjoint(with: [.phoneContext, .numberNoun]) {
                    context.closePhone = true
                }
                if token.classes.contains(.idContext)
                    && namesIdentifier(text, index, words: words, bridged: bridged, dictated: dictated)
                {
                    context.identifier = true
                }
                if immediate && token.classes.contains(.currency) { context.price = true }
                if !token.classes.contains(.phoneContext) && text.keyHasSuffix(index, "nummer")
                    && !token.classes.contains(.numberNoun)
                {
                    context.identifier = true
                }
                immediate = false
            } else {
                if immediate && isCurrencySymbol(token.symbol) { context.price = true }
                if text.isBoundary(index) { break }
            }
            if token.lineBreakBefore { break }
            index -= 1
        }
        index = last + 1
        words = 0
        immediate = true
        while index < text.count && words < 3 && !text.tokens[index].lineBreakBefore {
            let token = text.tokens[index]
            if token.isWord {
                words += 1
                if token.classes.contains(.phoneContext) { context.phoneAfter = true }
                if immediate && !token.classes.isDisjoint(with: [.currency, .unit]) {
                    context.price = true
                }
                immediate = false
            } else {
                if immediate && (isCurrencySymbol(token.symbol) || token.symbol == 0x25) {
                    context.price = true
                }
                if text.isBoundary(index) { break }
            }
            index += 1
        }
        return context
    }

    /// Whether the identifier word at `index` ("order", "part", "case"), `words` words before the number,
    /// names it: "part" only joins the pieces of a number given in pieces ("first part is 0412"), "in case"
    /// is an idiom, and a number dictated in words is an identifier only right after the word.
    private func namesIdentifier(
        _ text: ContactDetailText, _ index: Int, words: Int, bridged: Bool, dictated: Bool
    ) -> Bool {
        if bridged && text.has(index, .numberJoiner) { return false }
        if text.keyEquals(index, "case") && text.keyEquals(index - 1, "in") { return false }
        return !dictated || words <= 2
    }

    private func isCurrencySymbol(_ symbol: UInt32) -> Bool {
        switch symbol {
        case 0x24, 0xA3, 0xA5, 0xA2, 0x20AC, 0x20B9, 0x20A9, 0x20BD, 0x20BA, 0x20B4: return true
        default: return false
        }
    }
}
