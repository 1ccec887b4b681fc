/// Finds requests for the other person's contact details, which invite them to move off the platform:
/// "what's your number?", "send me your email", "podaj numer telefonu", "pásame tu número", "numaranı
/// verir misin". The marketplace's own details ("what's your order number?", "can I get the order email?")
/// and one's own ("I can't share my number") are not requests for contact.
struct ContactRequestScanner {
    /// A contact detail asked for: its kind and the words that name it ("adresse mail", "numéro de
    /// portable", "E-Mail-Adresse").
    private struct Noun {
        var kind: ContactDetailKind
        var first: Int
        var last: Int
    }

    func scan(_ text: ContactDetailText, into matches: inout [ContactDetailMatch]) {
        var index = 0
        while index < text.count {
            guard mayNameContact(text, index), let noun = contactNoun(text, at: index),
                endsRequest(text, after: noun.last, strict: isContactNoun(text, noun.first)),
                let first = requestStart(text, noun: noun) ?? turkishRequestStart(text, noun: noun)
            else {
                index += 1
                continue
            }
            let end = turkishRequestEnd(text, after: noun.last) ?? closingVerb(text, after: noun.last) ?? noun.last
            matches.append(
                ContactDetailMatch(start: text.tokens[first].start, end: text.tokens[end].end, kind: noun.kind))
            index = end + 1
        }
    }

    /// Most words name no contact detail; they are passed over on their classes, first letter and length
    /// alone: only Turkish "numaranı", "mailini", "instanı" and "contact" in its languages have no class.
    private func mayNameContact(_ text: ContactDetailText, _ index: Int) -> Bool {
        let nouns: ContactDetailWordClass = [.numberNoun, .phoneContext, .mailbox, .platform, .weakPlatform]
        if !text.tokens[index].classes.isDisjoint(with: nouns) { return true }
        let length = text.tokens[index].keyLength
        switch text.firstKeyByte(index) {
        case UInt8(ascii: "c"), UInt8(ascii: "k"): return length >= 7 && length <= 15
        case UInt8(ascii: "n"), UInt8(ascii: "m"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "w"),
            UInt8(ascii: "t"), UInt8(ascii: "s"):
            return length >= 6 && length <= 15
        default: return false
        }
    }

    /// The contact detail named at `index`: "number", "phone number", "numer telefonu", "número de
    /// teléfono", "adresse mail", "email (address)", "WhatsApp", "your mobile", "il tuo contatto"; not
    /// "number of items" or "number one".
    private func contactNoun(_ text: ContactDetailText, at index: Int) -> Noun? {
        guard let (kind, last) = namedDetail(text, at: index) else { return nil }
        return Noun(kind: kind, first: nounHead(text, index, kind: kind), last: nounTail(text, last))
    }

    /// The kind of contact the word at `index` names, and the last word of its name ("numer telefonu").
    private func namedDetail(_ text: ContactDetailText, at index: Int) -> (ContactDetailKind, Int)? {
        let token = text.tokens[index]
        guard token.isWord, token.letters > 0 else { return nil }
        if let kind = turkishYours(text, index) { return (kind, index) }
        if token.classes.contains(.numberNoun) {
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
            let phone = text.keyHasSuffix(index, "nummer") || ContactRequestWords.contains(Self.phones, text, index)
            return phone ? (.phone, index) : nil
        }
        if token.classes.contains(.mailbox) { return (.email, index) }
        if isContactNoun(text, index) { return (.phone, index) }
        return nil
    }

    private static let phones = ContactRequestWords.phoneNouns

    private func isContactNoun(_ text: ContactDetailText, _ index: Int) -> Bool {
        let first = text.firstKeyByte(index)
        guard first == UInt8(ascii: "c") || first == UInt8(ascii: "k") else { return false }
        return ContactRequestWords.contains(ContactRequestWords.contactNouns, text, index)
    }

    /// "adresse mail", "indirizzo email", "dirección de correo", "E-Mail": the words before the noun that
    /// belong to it.
    private func nounHead(_ text: ContactDetailText, _ noun: Int, kind: ContactDetailKind) -> Int {
        guard kind == .email else { return noun }
        var head = noun
        // "e-mailadres", "e - mail": a hyphenated "e" the tokenizer left apart.
        if text.isSymbol(head - 1, "-") && text.keyEquals(head - 2, "e") { head -= 2 }
        let of = text.keyEquals(head - 1, "de") || text.keyEquals(head - 1, "di")
        let before = of ? head - 2 : head - 1
        return ContactRequestWords.contains(ContactRequestWords.nounHeads, text, before) ? before : head
    }

    /// "email address", "E-Mail-Adresse", "correo electrónico", "contact details": the words after the noun
    /// that belong to it.
    private func nounTail(_ text: ContactDetailText, _ last: Int) -> Int {
        // "il tuo contatto whatsapp".
        if isContactNoun(text, last) && text.has(last + 1, .platform) { return last + 1 }
        var tail = last + 1
        if text.isSymbol(tail, "-") && text.touchesPrevious(tail) { tail += 1 }
        guard ContactRequestWords.contains(ContactRequestWords.nounTails, text, tail),
            !text.tokens[tail].lineBreakBefore
        else { return last }
        return tail
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

    /// Turkish "numaranı", "mailini", "instagramını": "your number", "your email" said in one word. The stem
    /// is compared first, which rules out every other word at once.
    private func turkishYours(_ text: ContactDetailText, _ index: Int) -> ContactDetailKind? {
        guard text.tokens[index].keyLength >= 6 else { return nil }
        switch text.firstKeyByte(index) {
        case UInt8(ascii: "n") where text.keyHasPrefix(index, "numara"):
            return text.keyIsOne(of: Self.turkishNumbers, at: index) ? .phone : nil
        case UInt8(ascii: "m") where text.keyHasPrefix(index, "mailin"),
            UInt8(ascii: "e") where text.keyHasPrefix(index, "eposta"):
            return text.keyIsOne(of: Self.turkishMails, at: index) ? .email : nil
        case UInt8(ascii: "i") where text.keyHasPrefix(index, "insta"),
            UInt8(ascii: "w") where text.keyHasPrefix(index, "whatsapp"),
            UInt8(ascii: "t") where text.keyHasPrefix(index, "telegram"),
            UInt8(ascii: "s") where text.keyHasPrefix(index, "snapin"):
            return text.keyIsOne(of: Self.turkishMessengers, at: index) ? .handle : nil
        default: return nil
        }
    }

    private static let turkishNumbers: [StaticString] = [
        "numaranı", "numarani", "numaranızı", "numaranizi", "numaran", "numaranız", "numaraniz",
    ]
    private static let turkishMails: [StaticString] = [
        "mailini", "mailinizi", "mailin", "mailiniz", "epostanı", "epostani", "epostanızı", "epostanizi",
    ]
    private static let turkishMessengers: [StaticString] = [
        "instanı", "instani", "instagramını", "instagramini", "whatsappını", "whatsappini", "telegramını",
        "telegramini", "snapini",
    ]

    /// Whether the request ends after the noun ("your number?", "your email so I can…", "tu número y te
    /// escribo", "tu numero che ti chiamo", "deine Nummer geben"), rather than the noun naming something
    /// else ("your email confirmation", "your number of items", "your number on this?", "your number one
    /// tip").
    /// A `strict` noun ("contact", which also names a desk or a form) must close the request itself or be
    /// followed by "please" or "so".
    private func endsRequest(_ text: ContactDetailText, after last: Int, strict: Bool) -> Bool {
        let next = last + 1
        guard text.isWord(next), !text.tokens[next].lineBreakBefore else { return true }
        if text.has(next, [.digit, .twoDigitNumber]) || text.tokens[next].isNumber { return false }
        if text.keyIsOne(of: Self.namingSomethingElse, at: next) { return false }
        let ordinary = text.has(
            next, [.commonWord, .towards, .filler, .secondPerson, .objectPronoun, .numberJoiner])
        return ((ordinary || isFollowingVerb(text, next)) && !strict) || isPolite(text, next)
            || ContactRequestWords.contains(ContactRequestWords.followers, text, next)
            || ContactRequestWords.contains(ContactRequestWords.closingVerbs, text, next)
    }

    /// "of", "for", "de", "do", "van": the noun names something else ("número do pedido"); "nicht": the
    /// request is turned down.
    private static let namingSomethingElse: [StaticString] = [
        "of", "for", "on", "in", "de", "di", "do", "da", "du", "del", "della", "dello", "des", "van", "von",
        "od", "nicht", "niet", "not",
    ]

    /// "pls", "please", "bitte", "porfa", "svp", "per favore", "por favor".
    private func isPolite(_ text: ContactDetailText, _ index: Int) -> Bool {
        if text.keyEquals(index, "per") || text.keyEquals(index, "por") {
            return text.keyEquals(index + 1, "favore") || text.keyEquals(index + 1, "favor")
        }
        return text.keyEquals(index, "pls") || text.keyEquals(index, "plz") || text.keyEquals(index, "please")
            || text.keyEquals(index, "bitte") || text.keyEquals(index, "porfa")
            || text.keyEquals(index, "svp")
            || text.keyEquals(index, "ver") || text.keyEquals(index, "verir")
            || text.keyEquals(index, "ne")
    }

    /// Turkish puts the verb after the noun: "numaranı verir misin", "mailini at".
    private func isFollowingVerb(_ text: ContactDetailText, _ index: Int) -> Bool {
        text.keyEquals(index, "verebilir") || text.keyEquals(index, "alabilir")
            || text.keyEquals(index, "at") || text.keyEquals(index, "atar") || text.keyEquals(index, "atabilir")
            || text.keyEquals(index, "gönderir") || text.keyEquals(index, "gonderir")
            || text.keyEquals(index, "gönderebilir") || text.keyEquals(index, "gonderebilir")
            || text.keyEquals(index, "gönder") || text.keyEquals(index, "gonder")
            || text.keyEquals(index, "kaç")
            || text.keyEquals(index, "kac")
    }

    // MARK: Who asks

    /// Where the request begins: "what's your", "send me your", "can I get your", "pásame tu", "dammi il
    /// tuo", "gib mir mal deine", "kannst du mir deine … geben", "podaj" — or nil when the noun is not asked
    /// for, or is the writer's own.
    private func requestStart(_ text: ContactDetailText, noun: Noun) -> Int? {
        var owner = noun.first - 1
        if text.has(owner, .phoneContext) && text.has(noun.first, .numberNoun) { owner -= 1 }
        let yours = isYours(text, owner)
        // Without "your" only a phone number said in full is asked for: "podaj numer telefonu".
        let fullPhoneNumber =
            noun.kind == .phone && noun.last > noun.first && text.has(noun.first, [.numberNoun, .phoneContext])
        guard yours || fullPhoneNumber else { return possessionQuestionStart(text, noun.first - 1) }
        var cue = yours ? owner - 1 : owner
        if yours && (text.has(cue, .article) || isArticle(text, cue)) { cue -= 1 }
        if (text.has(cue, .filler) || isPolite(text, cue)) && text.has(cue - 1, .objectPronoun) { cue -= 1 }
        let start =
            questionStart(text, cue) ?? verbStart(text, cue)
            ?? (yours ? closedRequestStart(text, cue, last: noun.last) : nil)
        guard let start, !isNegated(text, start) else { return nil }
        return start
    }

    /// "kannst du mir deine Nummer geben?", "kun je me je nummer sturen?", "kan ik je nummer krijgen?": German
    /// and Dutch close the request with the verb; "me" or "I" stands before "your".
    private func closedRequestStart(_ text: ContactDetailText, _ cue: Int, last: Int) -> Int? {
        let asker =
            text.has(cue, .objectPronoun) || text.keyEquals(cue, "ik") || text.keyEquals(cue, "ich")
            || text.keyEquals(cue, "mij")
        guard asker, closingVerb(text, after: last) != nil else { return nil }
        return cue
    }

    /// The verb that closes a German or Dutch request, a "mal" or "even" allowed before it.
    private func closingVerb(_ text: ContactDetailText, after last: Int) -> Int? {
        var verb = last + 1
        if text.has(verb, .filler) || text.keyEquals(verb, "bitte") { verb += 1 }
        return ContactRequestWords.contains(ContactRequestWords.closingVerbs, text, verb) ? verb : nil
    }

    /// Polish "jaki masz numer?", "jaki masz mail?": a question word and "have" before the noun.
    private func possessionQuestionStart(_ text: ContactDetailText, _ verb: Int) -> Int? {
        guard text.keyEquals(verb, "masz") || text.keyEquals(verb, "macie") else { return nil }
        return ContactRequestWords.contains(ContactRequestWords.questions, text, verb - 1) ? verb - 1 : nil
    }

    /// Italian and Portuguese put an article before "your": "il tuo", "la tua", "o seu", "a sua".
    private func isArticle(_ text: ContactDetailText, _ index: Int) -> Bool {
        text.keyEquals(index, "il") || text.keyEquals(index, "lo") || text.keyEquals(index, "o")
            || text.keyEquals(index, "a")
    }

    /// "your", "ur", "tu", "ton", "deine", "tuo", "seu", "je", "twój", "swój": the other person's.
    private func isYours(_ text: ContactDetailText, _ index: Int) -> Bool {
        ContactRequestWords.contains(ContactRequestWords.yours, text, index)
    }

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
        return ContactRequestWords.contains(ContactRequestWords.questions, text, word) ? word : nil
    }

    /// "send me your", "give me ur", "can I get your", "pásame tu", "mi dai il tuo", "gib mir deine", "geef me
    /// je", "podaj": a verb asking to be given it. Returns where the request begins.
    private func verbStart(_ text: ContactDetailText, _ index: Int) -> Int? {
        var verb = index
        if text.isSymbol(verb, "-") && text.has(verb - 1, .objectPronoun) { verb -= 1 }
        let pronounAfter = text.has(verb, .objectPronoun) || text.keyEquals(verb, "mi")
        if pronounAfter { verb -= 1 }
        if text.isSymbol(verb, "-") && text.touchesPrevious(verb) { verb -= 1 }
        guard text.isWord(verb) else { return nil }
        if ContactRequestWords.contains(ContactRequestWords.elidedGivingVerbs, text, verb) { return verb }
        if text.keyEquals(verb, "have") && text.has(verb - 1, .objectPronoun) && text.keyEquals(verb - 2, "let") {
            return verb - 2  // "let me have your number"
        }
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
        return ContactRequestWords.contains(ContactRequestWords.givingVerbs, text, index)
    }

    /// Whether the verb at `index` is said as a request: it opens the phrase, or follows "please", "just",
    /// "can you", "could u".
    private func isImperative(_ text: ContactDetailText, _ index: Int) -> Bool {
        let before = index - 1
        if before < 0 || !text.isWord(before) || text.tokens[index].lineBreakBefore { return true }
        return text.has(before, .secondPerson) || isPolite(text, before)
            || text.keyEquals(before, "just")
            || ContactRequestWords.contains(ContactRequestWords.modals, text, before)
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

    /// "numaranı verir misin", "mailini at", "instanı verir misin": the one-word "your number" and the verb
    /// after it.
    private func turkishRequestStart(_ text: ContactDetailText, noun: Noun) -> Int? {
        guard turkishYours(text, noun.first) != nil, turkishRequestEnd(text, after: noun.last) != nil else {
            return nil
        }
        return text.has(noun.first - 1, .idContext) ? nil : noun.first
    }

    private func turkishRequestEnd(_ text: ContactDetailText, after last: Int) -> Int? {
        guard turkishYours(text, last) != nil else { return nil }
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
