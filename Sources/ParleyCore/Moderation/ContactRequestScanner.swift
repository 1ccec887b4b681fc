/// Finds requests for the other person's contact details, which invite them to move off the platform:
/// "what's your number?", "send me your email", "podaj numer telefonu", "pásame tu número", "numaranı
/// verir misin". The marketplace's own details ("what's your order number?", "can I get the order email?")
/// and one's own ("I can't share my number") are not requests for contact.
struct ContactRequestScanner {
    func scan(_ text: ContactDetailText, into matches: inout [ContactDetailMatch]) {
        var index = 0
        while index < text.count {
            // Most words name no contact detail; they are passed over on their classes alone.
            let nouns: ContactDetailWordClass = [.numberNoun, .phoneContext, .mailbox, .platform, .weakPlatform]
            if text.tokens[index].classes.isDisjoint(with: nouns)
                && text.firstKeyByte(index) != UInt8(ascii: "n")
            {
                index += 1
                continue
            }
            guard let (kind, last) = contactNoun(text, at: index), endsRequest(text, after: last),
                let first = requestStart(text, noun: index, fullPhoneNumber: last > index && kind == .phone)
                    ?? turkishRequestStart(text, noun: index, last: last)
            else {
                index += 1
                continue
            }
            let end = turkishRequestEnd(text, after: last) ?? last
            matches.append(
                ContactDetailMatch(start: text.tokens[first].start, end: text.tokens[end].end, kind: kind))
            index = end + 1
        }
    }

    // MARK: What is asked for

    /// The contact detail named at `index` and its last word: "number", "phone number", "numer telefonu",
    /// "número de teléfono", "email (address)", "WhatsApp"; not "number of items" or "number one".
    private func contactNoun(_ text: ContactDetailText, at index: Int) -> (ContactDetailKind, Int)? {
        let token = text.tokens[index]
        guard token.isWord, token.letters > 0 else { return nil }
        if token.classes.contains(.numberNoun) || isYourNumber(text, index) {
            guard !text.has(index, .idContext) || text.has(index, .phoneContext) else { return nil }
            return (.phone, phoneWordAfter(text, index) ?? index)
        }
        if token.classes.contains(.platform) && !token.classes.contains(.contactVerb) {
            return (.handle, index)
        }
        // "your zap", "ur tg", "your snap": short names that only "your" makes a messenger.
        if token.classes.contains(.weakPlatform) && isYours(text, index - 1)
            && isShortMessengerName(text, index)
        {
            return (.handle, index)
        }
        if token.classes.contains(.phoneContext) && !token.classes.contains(.contactVerb) {
            if text.has(index + 1, .numberNoun) { return (.phone, index + 1) }
            return text.keyHasSuffix(index, "nummer") ? (.phone, index) : nil
        }
        if token.classes.contains(.mailbox) {
            let address = text.keyEquals(index + 1, "address") || text.keyEquals(index + 1, "adresse")
            return (.email, address ? index + 1 : index)
        }
        return nil
    }

    private func isShortMessengerName(_ text: ContactDetailText, _ index: Int) -> Bool {
        text.keyEquals(index, "zap") || text.keyEquals(index, "tg") || text.keyEquals(index, "snap")
            || text.keyEquals(index, "wa") || text.keyEquals(index, "sc")
    }

    /// "numer telefonu", "número de teléfono", "numéro de tel": the phone word that says which number.
    private func phoneWordAfter(_ text: ContactDetailText, _ noun: Int) -> Int? {
        if text.has(noun + 1, .phoneContext) && !text.has(noun + 1, .contactVerb) { return noun + 1 }
        let of =
            text.keyEquals(noun + 1, "de") || text.keyEquals(noun + 1, "di")
            || text.keyEquals(noun + 1, "do")
        return of && text.has(noun + 2, .phoneContext) ? noun + 2 : nil
    }

    /// Turkish "numaranı", "numaranızı", "numaran": "your number" said in one word.
    private func isYourNumber(_ text: ContactDetailText, _ index: Int) -> Bool {
        guard text.firstKeyByte(index) == UInt8(ascii: "n"), text.tokens[index].keyLength >= 7 else { return false }
        return text.keyEquals(index, "numaranı") || text.keyEquals(index, "numarani")
            || text.keyEquals(index, "numaranızı")
            || text.keyEquals(index, "numaranizi") || text.keyEquals(index, "numaran")
            || text.keyEquals(index, "numaranız") || text.keyEquals(index, "numaraniz")
    }

    /// Whether the request ends after the noun ("your number?", "your email so I can…", "tu número y te
    /// escribo"), rather than the noun naming something else ("your email confirmation", "your number of
    /// items", "your number on this?", "your number one tip").
    private func endsRequest(_ text: ContactDetailText, after last: Int) -> Bool {
        let next = last + 1
        guard text.isWord(next), !text.tokens[next].lineBreakBefore else { return true }
        if text.has(next, [.digit, .twoDigitNumber]) || text.tokens[next].isNumber { return false }
        if text.keyEquals(next, "of") || text.keyEquals(next, "for") || text.keyEquals(next, "on")
            || text.keyEquals(next, "in") || text.keyEquals(next, "de") || text.keyEquals(next, "di")
        {
            return false
        }
        return text.has(
            next, [.commonWord, .towards, .filler, .secondPerson, .objectPronoun, .numberJoiner])
            || isPolite(text, next) || isFollowingVerb(text, next)
    }

    /// "pls", "please", "bitte", "porfa".
    private func isPolite(_ text: ContactDetailText, _ index: Int) -> Bool {
        text.keyEquals(index, "pls") || text.keyEquals(index, "plz") || text.keyEquals(index, "please")
            || text.keyEquals(index, "bitte") || text.keyEquals(index, "porfa")
            || text.keyEquals(index, "svp")
            || text.keyEquals(index, "ver") || text.keyEquals(index, "verir")
            || text.keyEquals(index, "ne")
    }

    /// Turkish puts the verb after the noun: "numaranı verir misin", "mailini at".
    private func isFollowingVerb(_ text: ContactDetailText, _ index: Int) -> Bool {
        text.keyEquals(index, "verebilir") || text.keyEquals(index, "alabilir")
            || text.keyEquals(index, "at")
            || text.keyEquals(index, "gönder") || text.keyEquals(index, "gonder")
            || text.keyEquals(index, "kaç")
            || text.keyEquals(index, "kac")
    }

    // MARK: Who asks

    /// Where the request begins: "what's your", "send me your", "can I get your", "pásame tu", "dammi il
    /// tuo", "podaj" — or nil when the noun is not asked for, or is the writer's own.
    private func requestStart(_ text: ContactDetailText, noun: Int, fullPhoneNumber: Bool) -> Int? {
        var owner = noun - 1
        if text.has(owner, .phoneContext) && text.has(noun, .numberNoun) { owner -= 1 }
        let yours = isYours(text, owner)
        // Without "your" only a phone number said in full is asked for: "podaj numer telefonu".
        guard yours || fullPhoneNumber else { return nil }
        var cue = yours ? owner - 1 : owner
        if yours && (text.has(cue, .article) || isArticle(text, cue)) { cue -= 1 }
        if let start = questionStart(text, cue) { return isNegated(text, start) ? nil : start }
        if let start = verbStart(text, cue) { return isNegated(text, start) ? nil : start }
        return nil
    }

    /// Italian and Portuguese put an article before "your": "il tuo", "la tua", "o seu", "a sua".
    private func isArticle(_ text: ContactDetailText, _ index: Int) -> Bool {
        text.keyEquals(index, "il") || text.keyEquals(index, "lo") || text.keyEquals(index, "o")
            || text.keyEquals(index, "a")
    }

    /// "your", "ur", "tu", "ton", "deine", "tuo", "seu", "je", "twój", "swój": the other person's.
    private func isYours(_ text: ContactDetailText, _ index: Int) -> Bool {
        guard text.isWord(index) else { return false }
        for word in Self.yours where text.keyEquals(index, word) { return true }
        return false
    }

    private static let yours: [StaticString] = [
        "your", "ur", "yr", "tu", "ton", "ta", "votre", "deine", "dein", "deiner", "tuo", "tua", "seu",
        "sua",
        "teu", "je", "jouw", "twój", "twoj", "twoje", "twojego", "swój", "swoj", "swoje", "swojego",
        "senin",
    ]

    /// "what's your", "what is your", "quel est ton", "cuál es tu", "qual è il tuo", "was ist deine", "jaki
    /// jest twój", "c'est quoi ton": a question asking what it is. Returns the question word.
    private func questionStart(_ text: ContactDetailText, _ index: Int) -> Int? {
        var word = index
        if text.keyEquals(word, "quoi") && text.keyEquals(word - 1, "cest") { return word - 1 }
        let linked = text.has(word, .copula) || text.keyEquals(word, "s") || text.keyEquals(word, "e")
        if linked { word -= 1 }
        if text.isSymbol(word, "'") { word -= 1 }
        // English "was" is no question: "it was your email" tells; German "was ist deine Nummer" asks.
        if text.keyEquals(word, "was") { return linked ? word : nil }
        for question in Self.questions where text.keyEquals(word, question) { return word }
        return nil
    }

    private static let questions: [StaticString] = [
        "whats", "what", "wats", "wat", "was", "quel", "quelle", "qual", "cuál", "cual", "jaki", "jaka",
        "jakie",
    ]

    /// "send me your", "give me ur", "can I get your", "pásame tu", "mi dai il tuo", "gib mir deine", "geef me
    /// je", "podaj": a verb asking to be given it. Returns where the request begins.
    private func verbStart(_ text: ContactDetailText, _ index: Int) -> Int? {
        var verb = index
        if text.isSymbol(verb, "-") && text.has(verb - 1, .objectPronoun) { verb -= 1 }
        let pronounAfter = text.has(verb, .objectPronoun) || text.keyEquals(verb, "mi")
        if pronounAfter { verb -= 1 }
        if text.isSymbol(verb, "-") && text.touchesPrevious(verb) { verb -= 1 }
        guard text.isWord(verb) else { return nil }
        if text.keyEquals(verb, "get") || text.keyEquals(verb, "have") || text.keyEquals(verb, "ask") {
            return text.keyEquals(verb - 1, "i") && isAsking(text, verb - 2) ? verb - 2 : nil
        }
        if text.keyEquals(verb, "ik") && text.keyEquals(verb - 1, "mag") { return verb - 1 }
        guard isGivingVerb(text, verb) else { return nil }
        let pronounBefore = text.has(verb - 1, .objectPronoun) || text.keyEquals(verb - 1, "mi")
        if pronounAfter || isImperative(text, verb) { return verb }
        return pronounBefore ? verb - 1 : nil
    }

    /// "can", "could", "may", "kann", "mag": "can I get your number".
    private func isAsking(_ text: ContactDetailText, _ index: Int) -> Bool {
        text.keyEquals(index, "can") || text.keyEquals(index, "could") || text.keyEquals(index, "may")
            || text.keyEquals(index, "cani")
    }

    /// A verb that asks for something to be handed over, in any of the languages the detector reads.
    private func isGivingVerb(_ text: ContactDetailText, _ index: Int) -> Bool {
        if text.has(index, .contactVerb) && !text.has(index, [.phoneContext, .mailbox]) { return true }
        for verb in Self.givingVerbs where text.keyEquals(index, verb) { return true }
        return false
    }

    private static let givingVerbs: [StaticString] = [
        "give", "gimme", "share", "leave", "pass", "tell", "send", "drop", "dm", "text", "pásame",
        "pasame", "dame",
        "pasas", "das", "envíame", "enviame", "déjame", "dejame", "dejas", "gib", "gebt", "sende",
        "donne",
        "donnez", "dammi", "dai", "passami", "lasciami", "passa", "dá", "da", "geef", "podaj", "daj",
        "podeślij",
        "podeslij", "wyślij", "wyslij", "prześlij", "przeslij", "zostaw",
    ]

    /// Whether the verb at `index` is said as a request: it opens the phrase, or follows "please", "just",
    /// "can you", "could u".
    private func isImperative(_ text: ContactDetailText, _ index: Int) -> Bool {
        let before = index - 1
        if before < 0 || !text.isWord(before) || text.tokens[index].lineBreakBefore { return true }
        return text.has(before, .secondPerson) || isPolite(text, before)
            || text.keyEquals(before, "just")
            || text.keyEquals(before, "pls")
    }

    /// "don't send me your number", "never give out your email": a request turned down.
    private func isNegated(_ text: ContactDetailText, _ start: Int) -> Bool {
        var index = start - 1
        var words = 0
        while index >= 0 && words < 3 && !text.isBoundary(index) {
            if text.keyEquals(index, "dont") || text.keyEquals(index, "not")
                || text.keyEquals(index, "never")
                || text.keyEquals(index, "cant") || text.keyEquals(index, "wont")
                || text.keyEquals(index, "nie")
                || text.keyEquals(index, "nicht") || text.keyEquals(index, "no")
                || text.keyEquals(index, "non")
            {
                return true
            }
            if text.isWord(index) { words += 1 }
            index -= 1
        }
        return false
    }

    // MARK: Turkish

    /// "numaranı verir misin", "numaranı alabilir miyim": the one-word "your number" and the verb after it.
    private func turkishRequestStart(_ text: ContactDetailText, noun: Int, last: Int) -> Int? {
        guard isYourNumber(text, noun), turkishRequestEnd(text, after: last) != nil else { return nil }
        return text.has(noun - 1, .idContext) ? nil : noun
    }

    private func turkishRequestEnd(_ text: ContactDetailText, after last: Int) -> Int? {
        guard isYourNumber(text, last) else { return nil }
        if text.keyEquals(last + 1, "ne") || text.keyEquals(last + 1, "kaç")
            || text.keyEquals(last + 1, "kac")
        {
            return last + 1
        }
        return isFollowingVerb(text, last + 1) || text.keyEquals(last + 1, "ver")
            || text.keyEquals(last + 1, "verir")
            ? last + 1 : nil
    }
}
