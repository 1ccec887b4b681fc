/// Finds invitations to call, text or email the writer rather than write here: "can u email me instead?",
/// "just call me directly", "appelle-moi plutôt", "mejor llámame", "bel me liever", "ruf mich lieber an".
/// "Text me here instead" stays in the chat, and "don't call me directly" turns the invitation down.
struct ElsewhereInvitationScanner {
    func scan(_ text: ContactDetailText, into matches: inout [ContactDetailMatch]) {
        var index = 0
        while index < text.count {
            guard isReachVerb(text, index), let (first, last) = invitation(text, verb: index) else {
                index += 1
                continue
            }
            matches.append(
                ContactDetailMatch(start: text.tokens[first].start, end: text.tokens[last].end, kind: .handle))
            index = last + 1
        }
    }

    /// A verb of calling, texting or mailing, told apart from other words by its classes first.
    private func isReachVerb(_ text: ContactDetailText, _ index: Int) -> Bool {
        let token = text.tokens[index]
        guard token.isWord, !token.classes.isDisjoint(with: [.phoneContext, .mailVerb]) else { return false }
        return !token.classes.contains(.numberNoun) && !text.keyEquals(index, "reach")
            && !text.keyEquals(index, "contact") && !text.keyEquals(index, "write")
            && !text.keyEquals(index, "reply") && !text.keyEquals(index, "send") && !text.has(index, .platform)
            || text.keyEquals(index, "whatsapp")
    }

    /// The invitation around the verb: "me" (or a clitic on the verb, "llámame") and then "instead",
    /// "directly", "plutôt" — or "mejor", "liever" just before the verb.
    private func invitation(_ text: ContactDetailText, verb: Int) -> (Int, Int)? {
        guard !isNegated(text, verb) else { return nil }
        var next = verb + 1
        let clitic =
            text.tokens[verb].keyLength > 4 && (text.keyHasSuffix(verb, "me") || text.keyHasSuffix(verb, "mi"))
        // "appelle-moi", "zadzwoń do mnie": the pronoun after a hyphen or a preposition.
        if text.isSymbol(next, "-") || text.keyEquals(next, "do") || text.keyEquals(next, "to") { next += 1 }
        if text.has(next, .objectPronoun) {
            next += 1
        } else if !clitic {
            return nil
        } else {
            next = verb + 1
        }
        if text.keyEquals(next, "an") { next += 1 }
        if isRather(text, next) { return (verb, next) }
        return isRather(text, verb - 1) ? (verb - 1, next - 1) : nil
    }

    private func isRather(_ text: ContactDetailText, _ index: Int) -> Bool {
        guard text.isWord(index), !text.tokens[index].lineBreakBefore else { return false }
        return ContactRequestWords.contains(ContactRequestWords.rather, text, index)
    }

    /// "don't call me directly", "bitte nicht direkt anrufen": a warning, not an invitation.
    private func isNegated(_ text: ContactDetailText, _ verb: Int) -> Bool {
        var index = verb - 1
        var words = 0
        while index >= 0 && words < 3 && !text.isBoundary(index) && !text.isSymbol(index, ",") {
            if text.keyEquals(index, "dont") || text.keyEquals(index, "not") || text.keyEquals(index, "never")
                || text.keyEquals(index, "no") || text.keyEquals(index, "nicht") || text.keyEquals(index, "niet")
                || text.keyEquals(index, "non") || text.keyEquals(index, "nie") || text.keyEquals(index, "pas")
            {
                return true
            }
            if text.isWord(index) { words += 1 }
            index -= 1
        }
        return false
    }
}
