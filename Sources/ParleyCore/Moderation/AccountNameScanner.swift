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
            if token.classes.contains(.contactVerb), let last = addMeEnd(text, verb: index) {
                matches.append(ContactDetailMatch(start: token.start, end: text.tokens[last].end, kind: .handle))
                index = last + 1
                continue
            }
            if token.classes.contains(.same), let last = sameNameEnd(text, same: index) {
                if serviceNamed == nil {
                    serviceNamed = text.tokens.contains {
                        !$0.classes.isDisjoint(with: [.platform, .weakPlatform, .emailProvider, .mailbox, .whats])
                    }
                }
                if serviceNamed == true {
                    matches.append(ContactDetailMatch(start: token.start, end: text.tokens[last].end, kind: .handle))
                    index = last + 1
                    continue
                }
            }
            index += 1
        }
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

    /// "add me: oakcraft_uk", "find me as vintage.vera", "follow me - dan88x": an invitation and a name no
    /// one writes by accident, with no messenger named.
    private func addMeEnd(_ text: ContactDetailText, verb: Int) -> Int? {
        guard text.has(verb + 1, .objectPronoun) else { return nil }
        var index = verb + 2
        switch text.symbol(index) {
        case 0x3A, 0x2D, 0x3D, 0x2192, 0x27A1: index += 1
        default:
            guard text.keyEquals(index, "as") || text.keyEquals(index, "under") else { return nil }
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
                || text.keyEquals(index, "nom") || text.keyEquals(index, "namen")
            {
                return index
            }
            index += 1
            words += 1
        }
        return nil
    }
}
