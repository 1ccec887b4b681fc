/// Finds invitations to talk somewhere other than here without naming where: "let's talk outside the app",
/// "contact me off the platform", "hablemos fuera de la app", "schreib mir außerhalb der Plattform". Talk of
/// paying or meeting outside the app, or a warning against it ("don't chat outside the app"), is left alone.
struct OffPlatformInvitationScanner {
    func scan(_ text: ContactDetailText, into matches: inout [ContactDetailMatch]) {
        var index = 0
        while index < text.count {
            guard isOutside(text, index), let last = placeEnd(text, after: index),
                let first = invitationStart(text, before: index, closes: !text.isWord(last + 1))
            else {
                index += 1
                continue
            }
            matches.append(
                ContactDetailMatch(
                    start: text.tokens[first].start, end: text.tokens[last].end, kind: .handle))
            index = last + 1
        }
    }

    /// "outside", "off", "außerhalb", "fuera", "fuori", "poza", "dehors", "buiten", "fora": told apart by
    /// first letter and length before the spelling is compared, since every word of a message is asked.
    private func isOutside(_ text: ContactDetailText, _ index: Int) -> Bool {
        guard text.isWord(index) else { return false }
        switch (text.firstKeyByte(index), text.tokens[index].keyLength) {
        case (UInt8(ascii: "o"), 3): return text.keyEquals(index, "off")
        case (UInt8(ascii: "o"), 7): return text.keyEquals(index, "outside")
        case (UInt8(ascii: "f"), 4): return text.keyEquals(index, "fora")
        case (UInt8(ascii: "f"), 5): return text.keyEquals(index, "fuera") || text.keyEquals(index, "fuori")
        case (UInt8(ascii: "p"), 4): return text.keyEquals(index, "poza")
        case (UInt8(ascii: "d"), 6): return text.keyEquals(index, "dehors")
        case (UInt8(ascii: "b"), 6): return text.keyEquals(index, "buiten")
        case (UInt8(ascii: "a"), 10): return text.keyEquals(index, "außerhalb") || text.keyEquals(index, "ausserhalb")
        default: return false
        }
    }

    /// The app, platform or chat named after "outside" ("outside of the app", "fuera de la app", "en dehors
    /// de l'appli"), up to two small words between; returns its last token.
    private func placeEnd(_ text: ContactDetailText, after outside: Int) -> Int? {
        var index = outside + 1
        var between = 0
        while between < 3 && index < text.count && !text.tokens[index].lineBreakBefore {
            if isPlace(text, index) { return index }
            guard text.has(index, .article) || isSmallWord(text, index) || text.isSymbol(index, "'")
            else {
                return nil
            }
            if text.isWord(index) { between += 1 }
            index += 1
        }
        return nil
    }

    private func isSmallWord(_ text: ContactDetailText, _ index: Int) -> Bool {
        text.keyIsOne(of: Self.smallWords, at: index)
    }

    private static let smallWords: [StaticString] = [
        "of", "the", "this", "de", "der", "dieser", "del", "della", "dall", "dalla", "do", "da", "l",
        "la", "esta",
        "questa", "cette", "deze",
    ]

    private func isPlace(_ text: ContactDetailText, _ index: Int) -> Bool {
        text.keyIsOne(of: Self.places, at: index)
    }

    private static let places: [StaticString] = [
        "app", "apps", "platform", "plattform", "plataforma", "piattaforma", "platforma", "platformy",
        "plateforme", "platformu", "site", "chat", "appli", "application", "applicazione", "aplicación",
        "aplicacion", "aplicativo", "aplikacji", "aplikacją", "aplikacja", "portal", "portalu",
        "marketplace",
        "here",
    ]

    /// A verb of talking or moving up to four words before "outside", said as an invitation: with "me",
    /// "us", "let's" or "we", or opening a phrase that the place closes ("hablemos fuera de la app"; not
    /// "messages outside the app are not protected"). Nil when negated.
    private func invitationStart(_ text: ContactDetailText, before outside: Int, closes: Bool) -> Int? {
        var index = outside - 1
        var words = 0
        var verb: Int? = nil
        var invited = false
        while index >= 0 && words < 4 && !text.isBoundary(index)
            && !text.tokens[index + 1].lineBreakBefore
        {
            if text.isWord(index) {
                words += 1
                if isNegation(text, index) { return nil }
                if text.has(index, [.contactVerb, .movementVerb]) { verb = index }
                if text.has(index, [.objectPronoun, .firstPerson]) || text.keyEquals(index, "we")
                    || text.keyEquals(index, "wir") || text.keyEquals(index, "nous")
                {
                    invited = true
                }
            }
            index -= 1
        }
        guard let verb else { return nil }
        if invited { return index + 1 < verb ? firstWord(text, from: index + 1) : verb }
        let opens = verb == 0 || !text.isWord(verb - 1) || text.tokens[verb].lineBreakBefore
        return opens && closes ? verb : nil
    }

    private func firstWord(_ text: ContactDetailText, from index: Int) -> Int {
        var first = index
        while first < text.count && !text.isWord(first) { first += 1 }
        return first
    }

    private func isNegation(_ text: ContactDetailText, _ index: Int) -> Bool {
        text.keyEquals(index, "dont") || text.keyEquals(index, "not") || text.keyEquals(index, "never")
            || text.keyEquals(index, "cant") || text.keyEquals(index, "wont")
            || text.keyEquals(index, "nie")
            || text.keyEquals(index, "nicht") || text.keyEquals(index, "no")
            || text.keyEquals(index, "non")
            || text.keyEquals(index, "niet") || text.keyEquals(index, "pas")
            || text.keyEquals(index, "nunca")
    }
}
