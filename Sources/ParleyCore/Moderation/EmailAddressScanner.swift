/// Finds email addresses, written plainly or disguised: "name at gmail dot com", "name[at]gmail[.]com",
/// "name (at) gmail (dot) com", "name @ gmail . com", "jean arobase gmail point com", "joe at gmail".
struct EmailAddressScanner {
    /// How the "@" is written, from the unmistakable to the ordinary English word "at".
    private enum Marker {
        case tight, spaced, bracketed, word, hash
    }

    func scan(_ text: ContactDetailText, into matches: inout [ContactDetailMatch]) {
        var index = 0
        while index < text.count {
            guard let (marker, markerLast) = marker(text, at: index) else {
                if let (start, last) =
                    addressWithoutMarker(text, provider: index) ?? localPartNamedBefore(text, provider: index)
                {
                    // The local part was already passed over as an ordinary word; only the span starts there.
                    matches.append(
                        ContactDetailMatch(
                            start: text.tokens[start].start, end: text.tokens[last].end, kind: .email))
                    index = last + 1
                } else {
                    index += 1
                }
                continue
            }
            if let (start, last) = address(text, marker: marker, first: index, last: markerLast) {
                matches.append(
                    ContactDetailMatch(
                        start: text.tokens[start].start, end: text.tokens[last].end,
                        kind: .email))
                index = last + 1
            } else {
                index = markerLast + 1
            }
        }
    }

    private func marker(_ text: ContactDetailText, at index: Int) -> (Marker, last: Int)? {
        let token = text.tokens[index]
        switch token.symbol {
        case 0x40:
            let before = text.touchesPrevious(index)
            let after = text.touchesPrevious(index + 1)
            if before && after { return (.tight, index) }
            // "@joe" with a space before it is a handle, not the middle of an address.
            return after ? nil : (.spaced, index)
        case 0x28, 0x5B, 0x7B, 0x3C:
            // "name(a)web.de": a bracketed "a" stands for "@" as much as "(at)" does.
            guard
                text.isSymbol(index + 1, "@") || text.has(index + 1, .atWord)
                    || text.keyEquals(index + 1, "a")
            else { return nil }
            let closing: UInt32 =
                token.symbol == 0x28 ? 0x29 : token.symbol == 0x3C ? 0x3E : token.symbol + 2
            return text.symbol(index + 2) == closing ? (.bracketed, index + 2) : nil
        case 0x23:
            return text.touchesPrevious(index) && text.touchesPrevious(index + 1) ? (.hash, index) : nil
        case 0:
            guard token.classes.contains(.atWord) else { return nil }
            // French "chez" is an everyday word like "at", and needs the same cues.
            let everyday = text.keyEquals(index, "at") || text.keyEquals(index, "chez")
            return everyday ? (.word, index) : (.bracketed, index)
        default:
            return nil
        }
    }

    private func address(
        _ text: ContactDetailText, marker: Marker, first: Int, last: Int
    ) -> (
        Int, Int
    )? {
        let localLast = first - 1
        guard text.isWord(localLast), text.tokens[localLast].digits + text.tokens[localLast].letters > 0
        else {
            return nil
        }
        if marker != .tight && marker != .hash && text.has(localLast, .commonWord) { return nil }
        let localStart = localPartStart(
            text, last: localLast, spokenDots: marker != .tight && marker != .hash)
        let domainStart = last + 1
        guard let firstLabelEnd = text.labelEnd(from: domainStart) else { return nil }
        if marker == .tight && !text.touchesPrevious(domainStart) { return nil }
        // "pierre point dupont at free point fr": a local part spelled with dot words is an address's, whatever
        // the domain's name.
        let spelled = marker == .word && hasSpelledDot(text, from: localStart, to: localLast)
        if marker == .word && text.has(domainStart, .commonWord) && !spelled { return nil }
        let provider = firstLabelEnd == domainStart && text.has(domainStart, .emailProvider)
        if marker == .hash && !provider { return nil }

        // The rightmost label that is a top-level domain ends the address.
        var labelLast = firstLabelEnd
        var domainEnd: Int? = nil
        var labels = 1
        while labels < 6, let (connector, next) = text.connector(after: labelLast) {
            if marker == .tight && connector != .tight { break }
            guard let end = text.labelEnd(from: next) else { break }
            labels += 1
            labelLast = end
            if next == end && text.has(next, .tld)
                && (provider || acceptsTLD(text, next, connector: connector, marker: marker)
                    || (spelled && connector != .tight && text.tokens[next].keyLength <= 3))
            {
                domainEnd = end
            }
        }
        // With the plain word "at", only a mail provider or the words around make it an address: "bought it
        // at yahoo" and "find more at oakandpine.com" are not (the web scanner takes the latter).
        let cued =
            provider || spelled || text.looksLikeHandle(localStart, localLast)
            || mentionsMail(text, before: localStart)
        if let domainEnd, marker != .word || cued { return (localStart, domainEnd) }
        guard provider && marker != .hash else { return nil }
        // "kate at gmail." or "kate at gmail, quicker": a provider that is no everyday word, ending the phrase,
        // needs no other cue; "orange" or "proton" do, and "bought at yahoo auctions" names a shop.
        if marker == .word && !text.looksLikeHandle(localStart, localLast)
            && !mentionsMail(text, before: localStart)
            && !(text.has(domainStart, .distinctiveProvider) && !text.isWord(firstLabelEnd + 1))
        {
            return nil
        }
        return (localStart, firstLabelEnd)
    }

    /// "my email is katesmith gmail com": the "@" left out altogether. Only a well-known provider with its
    /// top-level domain, after a mail cue or a made-up looking name, makes this an address.
    private func addressWithoutMarker(_ text: ContactDetailText, provider: Int) -> (Int, Int)? {
        guard text.has(provider, .distinctiveProvider), text.tokens[provider].spaceBefore,
            text.isWord(provider - 1),
            !text.has(provider - 1, [.commonWord, .atWord, .mailbox, .preposition]),
            !text.tokens[provider - 1].isNumber
        else { return nil }
        var last = provider + 1
        if let (connector, next) = text.connector(after: provider), connector != .tight { last = next }
        let start = localPartStart(text, last: provider - 1, spokenDots: true)
        guard text.has(last, .genericTLD) || (last > provider + 1 && text.has(last, .spokenTLD)) else {
            // "my email is jsmith gmail": no ending either, which the mail named before and the phrase
            // closing after the provider make plain.
            let closes = !text.isWord(provider + 1) || text.tokens[provider + 1].lineBreakBefore
            return closes && mentionsMail(text, before: start) ? (start, provider) : nil
        }
        guard text.looksLikeHandle(start, provider - 1) || mentionsMail(text, before: start) else {
            return nil
        }
        return (start, last)
    }

    /// "drop me an email, its ben.carter and its a gmail one": after a mail cue, a name made of parts
    /// ("ben.carter", "kate_m") and then, in the same sentence, the provider it lives at.
    private func localPartNamedBefore(_ text: ContactDetailText, provider: Int) -> (Int, Int)? {
        guard text.has(provider, .distinctiveProvider) else { return nil }
        var index = provider - 1
        var words = 0
        while index >= 0 && words < 8 && !text.isBoundary(index)
            && !text.tokens[index + 1].lineBreakBefore
        {
            if text.isWord(index) {
                words += 1
                let start = localPartStart(text, last: index, spokenDots: false)
                if start < index,
                    (start...index).allSatisfy({ !text.isWord($0) || text.tokens[$0].letters > 0 }),
                    mentionsMail(text, before: start)
                {
                    return (start, provider)
                }
                index = start
            }
            index -= 1
        }
        return nil
    }

    /// Whether the local part between `first` and `last` has a dot said as a word ("pierre point dupont").
    private func hasSpelledDot(_ text: ContactDetailText, from first: Int, to last: Int) -> Bool {
        guard first < last else { return false }
        for index in first...last where text.has(index, [.dotWord, .foreignDotWord]) { return true }
        return false
    }

    /// Whether "email", "mail me", "write to" or the like comes shortly before `index`.
    private func mentionsMail(_ text: ContactDetailText, before index: Int) -> Bool {
        var position = index - 1
        var words = 0
        while position >= 0 && words < 4 && !text.isBoundary(position) {
            if text.has(position, [.mailbox, .mailVerb]) { return true }
            if text.isWord(position) { words += 1 }
            position -= 1
        }
        return false
    }

    private func acceptsTLD(
        _ text: ContactDetailText, _ index: Int, connector: ContactDetailText.Connector,
        marker: Marker
    ) -> Bool {
        switch marker {
        case .tight, .hash, .spaced:
            return connector == .foreign ? text.has(index, [.genericTLD, .spokenTLD]) : true
        case .bracketed:
            // "arroba … punto es", "ät … punkt de": a foreign "at" goes with a foreign dot and a country.
            return true
        case .word:
            switch connector {
            case .tight: return !text.has(index, .wordlikeTLD)
            case .foreign: return text.has(index, .genericTLD)
            default: return text.has(index, .spokenTLD)
            }
        }
    }

    /// Walks back over "daniel.price", "emma_k" or "daniel dot price" to where the local part begins.
    private func localPartStart(_ text: ContactDetailText, last: Int, spokenDots: Bool) -> Int {
        var start = last
        var words = 1
        while words < 8 {
            if text.touchesPrevious(start) && text.touchesPrevious(start - 1) && text.isWord(start - 2) {
                switch text.symbol(start - 1) {
                case 0x2E, 0x5F, 0x2D, 0x2B:
                    start -= 2
                    words += 1
                    continue
                default: break
                }
            }
            if spokenDots && text.has(start - 1, [.dotWord, .foreignDotWord]) && text.isWord(start - 2)
                && !text.has(start - 2, .commonWord)
            {
                start -= 2
                words += 1
                continue
            }
            // "john(dot)smith", "john[.]smith".
            if spokenDots && start >= 4 && text.isWord(start - 4),
                let (connector, next) = text.connector(after: start - 4),
                connector == .bracketed, next == start
            {
                start -= 4
                words += 1
                continue
            }
            break
        }
        return start
    }
}
