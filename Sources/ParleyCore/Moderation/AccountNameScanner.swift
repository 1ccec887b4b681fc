/// Finds accounts given by name rather than by "@": "username is dmitri.42", "find me on gmail, username
/// jhernandez1987", and the account named after this one ("same name as here", "same as my username here @
/// hotmail") when the message names a messenger or mail service to look it up on.
struct AccountNameScanner {
    func scan(_ text: ContactDetailText, into matches: inout [ContactDetailMatch]) {
        // Asked once per message, so a text full of "same name" stays linear.
        var serviceNamed: Bool? = nil
        var index = 0
        while index < text.count {
            let token = text.tokens[index]
            if token.classes.contains(.strongHandleNoun), let last = namedAccountEnd(text, noun: index) {
                matches.append(ContactDetailMatch(start: token.start, end: text.tokens[last].end, kind: .handle))
                index = last + 1
                continue
            }
            if !token.classes.isDisjoint(with: [.contactVerb, .findVerb]), let last = addMeEnd(text, verb: index) {
                matches.append(ContactDetailMatch(start: token.start, end: text.tokens[last].end, kind: .handle))
                index = last + 1
                continue
            }
            if token.classes.contains(.same), let last = sameNameEnd(text, same: index) {
                if isServiceNamed(text, &serviceNamed) || saysHere(text, after: last) {
                    matches.append(ContactDetailMatch(start: token.start, end: text.tokens[last].end, kind: .handle))
                    index = last + 1
                    continue
                }
            }
            if !token.classes.isDisjoint(with: [.spaceNoun, .together]), let (first, last) = joinTell(text, index),
                isServiceNamed(text, &serviceNamed)
            {
                matches.append(
                    ContactDetailMatch(start: text.tokens[first].start, end: text.tokens[last].end, kind: .handle))
                index = last + 1
                continue
            }
            index += 1
        }
    }

    /// Whether the message names a messenger or mail service, asked at most once per message.
    private func isServiceNamed(_ text: ContactDetailText, _ named: inout Bool?) -> Bool {
        if named == nil {
            named = text.tokens.contains {
                !$0.classes.isDisjoint(with: [.platform, .weakPlatform, .emailProvider, .mailbox, .whats])
            }
        }
        return named == true
    }

    /// "same username as here", "gleicher Name wie hier": the account noun is followed by "here", which
    /// points at another place with the same account.
    private func saysHere(_ text: ContactDetailText, after noun: Int) -> Bool {
        guard text.has(noun, .strongHandleNoun) else { return false }
        var index = noun + 1
        if text.has(index, .asName) || text.keyEquals(index, "like") || text.keyEquals(index, "wie")
            || text.keyEquals(index, "que") || text.keyEquals(index, "qu") || text.keyEquals(index, "di")
            || text.keyEquals(index, "co")
        {
            index += 1
        }
        return text.keyEquals(index, "here") || text.keyEquals(index, "hier") || text.keyEquals(index, "aquí")
            || text.keyEquals(index, "aqui") || text.keyEquals(index, "ici") || text.keyEquals(index, "qui")
            || text.keyEquals(index, "tutaj") || text.keyEquals(index, "burada")
    }

    /// "no spaces", "without spaces", "all together", "zusammengeschrieben": told to join a name given in
    /// parts, which with a messenger or mail service named ("gee mail: marco rossi 85, all together") spells
    /// an account. The instruction closes its phrase ("no spaces available today" is about room). Returns
    /// the words of the instruction.
    private func joinTell(_ text: ContactDetailText, _ index: Int) -> (Int, Int)? {
        guard
            !text.isWord(index + 1) || text.tokens[index + 1].lineBreakBefore || text.keyEquals(index + 1, "lol")
                || text.keyEquals(index + 1, "pls") || text.keyEquals(index + 1, "please")
        else { return nil }
        if text.has(index, .spaceNoun) {
            if text.has(index, .without) { return (index, index) }
            return text.has(index - 1, .without) ? (index - 1, index) : nil
        }
        // "all together", "todo junto", "tutto attaccato", "aan elkaar".
        let all =
            text.keyEquals(index - 1, "all") || text.keyEquals(index - 1, "todo") || text.keyEquals(index - 1, "tutto")
            || text.keyEquals(index - 1, "tout") || text.keyEquals(index - 1, "tudo")
            || text.keyEquals(index - 1, "alles") || text.keyEquals(index - 1, "aan")
        return all ? (index - 1, index) : nil
    }

    /// "username is dmitri.42", "user: kat_r", "nick = mia88": an account noun, a link, and a name no one
    /// writes by accident; with "my" before the noun ("my username is sunnyseller") any name that is not an
    /// everyday word will do.
    private func namedAccountEnd(_ text: ContactDetailText, noun: Int) -> Int? {
        var index = noun + 1
        var linked = false
        if text.has(index, .copula) {
            index += 1
            linked = true
        }
        switch text.symbol(index) {
        case 0x3A, 0x3D, 0x2D:
            index += 1
            linked = true
        default: break
        }
        guard index < text.count, !text.tokens[index].lineBreakBefore, text.tokens[index].letters > 0,
            !text.has(index, [.commonWord, .article, .possessive, .preposition]),
            let last = text.identifierEnd(from: index)
        else { return nil }
        if text.looksLikeHandle(index, last) { return last }
        let mine = text.has(noun - 1, .possessive)
        return linked && mine && text.tokens[index].letters >= 4 ? last : nil
    }

    /// "add me: oakcraft_uk", "find me as vintage.vera", "follow me - dan88x", "findest du mich als
    /// holzliebe_handmade", "mi trovi come …": an invitation and a name no one writes by accident, with no
    /// messenger named.
    private func addMeEnd(_ text: ContactDetailText, verb: Int) -> Int? {
        var index = verb + 1
        // "findest du mich", "vind je me": the verb first, then who finds whom.
        if text.has(index, .secondPerson) && text.has(index + 1, .objectPronoun) { index += 1 }
        // "mi trovi", "tu me trouves", "me encuentras": the pronoun before the verb.
        let pronounBefore = text.has(verb - 1, .objectPronoun) || text.keyEquals(verb - 1, "mi")
        if text.has(index, .objectPronoun) {
            index += 1
        } else if !(pronounBefore && text.has(verb, .findVerb)) {
            return nil
        }
        // "mi trovi su insta come …": where, before under which name.
        if text.has(index, .preposition) && text.has(index + 1, .serviceName) { index += 2 }
        switch text.symbol(index) {
        case 0x3A, 0x2D, 0x3D, 0x2192, 0x27A1: index += 1
        default:
            guard text.has(index, .asName) else { return nil }
            index += 1
        }
        guard index < text.count, !text.tokens[index].lineBreakBefore, text.tokens[index].letters >= 3,
            !text.has(index, .commonWord), let last = text.identifierEnd(from: index),
            last > index
                || (text.tokens[index].digits >= 2 && text.tokens[index].letters >= 3)
        else { return nil }
        return last
    }

    /// "same name as here", "same username", "same as my username here": up to three words from "same" to an
    /// account noun.
    private func sameNameEnd(_ text: ContactDetailText, same: Int) -> Int? {
        var index = same + 1
        var words = 0
        while words < 4 && text.isWord(index) && !text.tokens[index].lineBreakBefore {
            // "is your whatsapp the same as your number?" asks about the other person's account.
            if text.has(index, .secondPerson) || text.keyEquals(index, "your") { return nil }
            if text.has(index, .strongHandleNoun) || text.keyEquals(index, "name") || text.keyEquals(index, "nombre")
                || text.keyEquals(index, "nom") || text.keyEquals(index, "namen") || text.keyEquals(index, "nome")
                || text.keyEquals(index, "naam") || text.keyEquals(index, "isim")
            {
                return index
            }
            index += 1
            words += 1
        }
        return nil
    }
}
