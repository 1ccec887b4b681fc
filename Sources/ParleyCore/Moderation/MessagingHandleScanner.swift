/// Finds handles and invitations to move to another messenger: "@joe_smith", "WhatsApp me", "text me on
/// whatsapp", "my insta is joe.smith", "IG: thrift_queen_99", "do you have viber?". A messenger named in
/// passing ("shared in a WhatsApp group", "my WhatsApp is broken") is not an invitation and is left alone.
struct MessagingHandleScanner {
    func scan(_ text: ContactDetailText, into matches: inout [ContactDetailMatch]) {
        var index = 0
        // Asked once per message, so a text full of "@name" stays linear.
        var messengerNamed: Bool? = nil
        while index < text.count {
            if let last = atHandleEnd(text, at: index) {
                if isMention(text, at: index, last: last, messengerNamed: &messengerNamed) {
                    index = last + 1
                    continue
                }
                append(text, index, last, .handle, into: &matches)
                index = last + 1
                continue
            }
            if let last = spacedAtHandleEnd(text, at: index), isMessengerNamed(text, &messengerNamed) {
                append(text, index, last, .handle, into: &matches)
                index = last + 1
                continue
            }
            if let last = redditHandleEnd(text, at: index) {
                append(text, index, last, .handle, into: &matches)
                index = last + 1
                continue
            }
            let token = text.tokens[index]
            if let last = appMeEnd(text, at: index) {
                append(text, index, last, .handle, into: &matches)
                index = last + 1
                continue
            }
            guard token.isWord,
                !token.classes.isDisjoint(with: [
                    .platform, .weakPlatform, .whats, .emailProvider,
                    .mailbox, .iconColour,
                ])
            else {
                index += 1
                continue
            }
            var platformLast = index
            var strong = token.classes.contains(.platform)
            if token.classes.contains(.iconColour) {
                // "the green app", "the blue app", "the paper plane app".
                if text.has(index + 1, .app) {
                    platformLast = index + 1
                } else if text.has(index + 1, .iconColour) && text.has(index + 2, .app) {
                    platformLast = index + 2
                } else {
                    index += 1
                    continue
                }
                strong = true
            } else if token.classes.contains(.whats) {
                if text.has(index + 1, .app) {
                    platformLast = index + 1
                } else if !isBareWhats(text, index) {
                    index += 1
                    continue
                }
                strong = true
            }
            let isMessenger =
                !token.classes.isDisjoint(with: [.platform, .weakPlatform]) || strong
            if let (first, last) = possessiveHandle(text, platform: index, platformLast: platformLast) {
                let mailbox = !isMessenger
                append(text, first, last, mailbox ? .email : .handle, into: &matches)
                index = last + 1
                continue
            }
            if isMessenger, let first = handleBefore(text, platform: index) {
                append(text, first, platformLast, .handle, into: &matches)
                index = platformLast + 1
                continue
            }
            if isMessenger, let last = handleAfterMe(text, platformLast: platformLast) {
                append(text, index, last, .handle, into: &matches)
                index = last + 1
                continue
            }
            if isMessenger,
                let (first, last) = invitation(text, platform: index, last: platformLast, strong: strong)
            {
                append(text, first, last, .handle, into: &matches)
                index = last + 1
                continue
            }
            index = platformLast + 1
        }
    }

    /// Dutch "app me even", "app me maar": "app" used as the verb for writing on WhatsApp, opening the phrase
    /// and followed by a small word; "the app me and my wife use" and "App me?" are not.
    private func appMeEnd(_ text: ContactDetailText, at index: Int) -> Int? {
        guard text.has(index, .app), text.tokens[index].capitals < 2,
            text.has(index + 1, .objectPronoun),
            text.has(index + 2, .filler),
            index == 0 || text.tokens[index].lineBreakBefore || !text.isWord(index - 1)
        else { return nil }
        return index + 2
    }

    /// "hit me up on whats", "agrégame al whats y te paso fotos": "whats" alone names WhatsApp after a
    /// preposition when nothing follows it that would make it "what's" ("on what's included").
    private func isBareWhats(_ text: ContactDetailText, _ index: Int) -> Bool {
        var before = index - 1
        if text.has(before, .article) && !text.has(before, .preposition) { before -= 1 }
        guard text.has(before, [.preposition, .towards]) || isPortugueseOn(text, before) else {
            return false
        }
        return !text.isWord(index + 1) || text.tokens[index + 1].lineBreakBefore
            || text.has(index + 1, .numberJoiner)
    }

    private func append(
        _ text: ContactDetailText, _ first: Int, _ last: Int, _ kind: ContactDetailKind,
        into matches: inout [ContactDetailMatch]
    ) {
        matches.append(
            ContactDetailMatch(start: text.tokens[first].start, end: text.tokens[last].end, kind: kind))
    }

    /// "@vintagevera", "@retro.audio.finds" — but not "@ 5pm", "@40 each", "@home" or the middle of an address.
    private func atHandleEnd(_ text: ContactDetailText, at index: Int) -> Int? {
        guard text.isSymbol(index, "@"), text.touchesPrevious(index + 1),
            !text.isWord(index - 1)
                || !text.touchesPrevious(index),
            let last = text.identifierEnd(from: index + 1)
        else { return nil }
        let first = text.tokens[index + 1]
        if last == index + 1 {
            if first.letters == 0 || first.keyLength < 2 || first.classes.contains(.commonWord) {
                return nil
            }
            if first.digits > 0
                && (text.keyHasSuffix(index + 1, "am") || text.keyHasSuffix(index + 1, "pm"))
            {
                return nil
            }
        }
        return last
    }

    /// "@Marta thanks", "@everyone": a plain name after "@" addresses someone in this thread, unless the
    /// message names a messenger or asks to be followed, added or messaged.
    private func isMention(
        _ text: ContactDetailText, at index: Int, last: Int, messengerNamed: inout Bool?
    ) -> Bool {
        // "thanks @john_s", "hi @dan88": greeting or thanking someone names them, whatever their name looks like.
        let greeted = text.has(index - 1, .greeting) && !text.touchesPrevious(index)
        if opensTheMessage(text, at: index, last: last) {
            return !invitesLater(text, after: last) && !isMessengerNamed(text, &messengerNamed)
        }
        guard greeted || (last == index + 1 && text.tokens[last].digits == 0) else { return false }
        var position = index - 1
        var words = 0
        while position >= 0 && words < 10 && !text.isBoundary(position) {
            if words < 3 && text.has(position, [.contactVerb, .firstPerson, .possessive]) {
                return false
            }
            // "find me on the paper plane app, @dimakov": an invitation earlier in the sentence.
            if text.has(position, .contactVerb) && text.has(position + 1, .objectPronoun) { return false }
            if text.isWord(position) { words += 1 }
            position -= 1
        }
        return !isMessengerNamed(text, &messengerNamed)
    }

    /// "@marta99 ok, reserved for you": an "@name" opening the message (or a line) and followed by what is
    /// said to that person addresses them, whatever their name looks like.
    private func opensTheMessage(_ text: ContactDetailText, at index: Int, last: Int) -> Bool {
        guard index == 0 || text.tokens[index].lineBreakBefore, last + 1 < text.count,
            !text.tokens[last + 1].lineBreakBefore
        else { return false }
        let next = text.isSymbol(last + 1, ",") || text.isSymbol(last + 1, ":") ? last + 2 : last + 1
        return text.isWord(next) && text.tokens[next].spaceBefore && !text.tokens[next].lineBreakBefore
    }

    /// Whether the sentence after an opening "@name" asks to be contacted ("@mia_makes dm me", "@joe_b add
    /// me"), which makes the name a handle to write to.
    private func invitesLater(_ text: ContactDetailText, after last: Int) -> Bool {
        var index = last + 1
        var words = 0
        while index < text.count && words < 12 && !text.isBoundary(index)
            && !text.tokens[index].lineBreakBefore
        {
            if text.has(index, [.contactVerb, .findVerb]) && text.has(index + 1, .objectPronoun) {
                return true
            }
            if text.isWord(index) { words += 1 }
            index += 1
        }
        return false
    }

    /// Whether the message names a messenger anywhere, asked at most once per message.
    private func isMessengerNamed(_ text: ContactDetailText, _ named: inout Bool?) -> Bool {
        if named == nil {
            named = text.tokens.contains {
                !$0.classes.isDisjoint(with: [.platform, .weakPlatform, .whats])
            }
        }
        return named == true
    }

    /// "@ john_smith", "@ _crafty.claire_": a made-up name after an "@" set apart by a space, which only a
    /// messenger named in the message makes a handle ("bought @ 499" has no name).
    private func spacedAtHandleEnd(_ text: ContactDetailText, at index: Int) -> Int? {
        guard text.isSymbol(index, "@"), index + 1 < text.count, text.tokens[index + 1].spaceBefore
        else {
            return nil
        }
        var first = index + 1
        while text.isSymbol(first, "_") && first < index + 3 { first += 1 }
        guard first < text.count, !text.tokens[first].lineBreakBefore,
            let last = text.identifierEnd(from: first),
            isMadeUpName(text, first, last)
        else { return nil }
        return text.isSymbol(last + 1, "_") && text.touchesPrevious(last + 1) ? last + 1 : last
    }

    /// Reddit's "u/sofa_seller".
    private func redditHandleEnd(_ text: ContactDetailText, at index: Int) -> Int? {
        guard text.keyEquals(index, "u"), !text.touchesPrevious(index), text.isSymbol(index + 1, "/"),
            text.touchesPrevious(index + 1), text.touchesPrevious(index + 2),
            let last = text.identifierEnd(from: index + 2), text.tokens[index + 2].keyLength >= 3
        else { return nil }
        return last
    }

    /// "my insta is joe.smith", "my wechat id: chen_li2024", "add my discord: gamerguy#4821",
    /// "my gmail is ellie.w.22", and "IG: thrift_queen_99" without the "my".
    private func possessiveHandle(
        _ text: ContactDetailText, platform: Int, platformLast: Int
    ) -> (
        Int, Int
    )? {
        let messenger = text.has(platform, [.platform, .weakPlatform]) || platformLast > platform
        // "my handle on tiktok is dance_queen", "my name on insta: mia".
        let nounFirst =
            messenger && text.has(platform - 1, .preposition) && text.has(platform - 2, .handleNoun)
            && text.has(platform - 3, .possessive)
        let possessive = text.has(platform - 1, .possessive) || nounFirst
        let start = nounFirst ? platform - 3 : possessive ? platform - 1 : platform
        // "skype live:.cid.8f2a1b": Skype's own account names start with "live:".
        if messenger && text.keyEquals(platformLast + 1, "live") && text.isSymbol(platformLast + 2, ":")
            && text.touchesPrevious(platformLast + 2) && text.touchesPrevious(platformLast + 3)
        {
            var last = platformLast + 3
            while last + 1 < text.count && text.touchesPrevious(last + 1) { last += 1 }
            while last > platformLast + 3 && text.isTrailingPunctuation(last) { last -= 1 }
            return (start, last)
        }
        // "snap lily_b2004": a made-up name right after the messenger.
        if messenger,
            !text.tokens[platformLast + 1 < text.count ? platformLast + 1 : platformLast].lineBreakBefore,
            let last = text.identifierEnd(from: platformLast + 1),
            isMadeUpName(text, platformLast + 1, last)
        {
            return (start, last)
        }
        // "gmail - johnsmith1985": a mail provider labelling a made-up name.
        guard possessive || messenger || text.has(platform, .distinctiveProvider) else { return nil }
        var index = platformLast + 1
        var nouns = 0
        while nouns < 2 && text.has(index, .handleNoun) && !text.has(index, .copula) {
            index += 1
            nouns += 1
        }
        var linked = false
        if text.has(index, .copula) {
            // "insta is thrifted.by.mo": without "my", only a name no one writes by accident.
            // "hotmail is ben_carter_77": a mail service named by a word no one uses otherwise, likewise.
            let named = messenger || text.has(platform, .distinctiveProvider)
            guard possessive || (named && madeUpNameFollows(text, index + 1)) else { return nil }
            index += 1
            linked = true
        }
        switch text.symbol(index) {
        case 0x3A, 0x3D, 0x2D, 0x2192, 0x3E, 0x27A1, 0x2794, 0x21D2, 0x279C, 0x27A4, 0x2B95:
            index += 1
            linked = true
        default:
            // "wechat id chen_li2024", "line id tomo88".
            if nouns > 0, let last = text.identifierEnd(from: index), isMadeUpName(text, index, last) {
                return (start, last)
            }
        }
        guard linked, index < text.count, !text.tokens[index].lineBreakBefore else { return nil }
        if let last = atHandleEnd(text, at: index) ?? spacedAtHandleEnd(text, at: index) {
            return (start, last)
        }
        guard let last = text.identifierEnd(from: index), !text.has(index, .commonWord) else {
            return nil
        }
        if text.tokens[index].isNumber && last == index { return nil }
        let handleLike = text.looksLikeHandle(index, last)
        let mailbox = !messenger
        // "tg: annasells", "snap: joeyb": a plain name straight after the messenger and a colon, ending the
        // phrase.
        let labelled =
            (messenger || text.has(platform, .distinctiveProvider)) && !possessive
            && text.symbol(index - 1) == 0x3A
            && index - 2 == platformLast + nouns
            && text.tokens[index].letters >= 3
            && (!text.isWord(last + 1) || text.tokens[last + 1].lineBreakBefore)
        guard handleLike || (possessive && !mailbox) || labelled else { return nil }
        return (start, last)
    }

    /// "ivan.petrov85 on skype", "look for johnsmith99 on insta": a made-up name right before "on" and the
    /// messenger. Returns where the name starts.
    private func handleBefore(_ text: ContactDetailText, platform: Int) -> Int? {
        guard text.has(platform - 1, .preposition), text.isWord(platform - 2),
            !text.touchesPrevious(platform - 1)
        else { return nil }
        var first = platform - 2
        while first >= 2 && text.touchesPrevious(first) && text.touchesPrevious(first - 1)
            && text.isWord(first - 2)
        {
            switch text.symbol(first - 1) {
            case 0x2E, 0x5F, 0x2D: first -= 2
            default: return nil
            }
        }
        if text.isSymbol(first - 1, "@") && text.touchesPrevious(first) { first -= 1 }
        let nameFirst = text.isSymbol(first, "@") ? first + 1 : first
        guard isMadeUpName(text, nameFirst, platform - 2) else { return nil }
        // "rtx3080 on facebook" is a graphics card: a name of one part needs its "@" or someone to look it up.
        let sought =
            text.has(first - 1, [.contactVerb, .findVerb])
            || (text.keyEquals(first - 1, "for")
                && (text.has(first - 2, .contactVerb) || text.keyEquals(first - 2, "look")))
        return nameFirst > first || platform - 2 > nameFirst || sought ? first : nil
    }

    /// "snap me at ivan_petrov", "kik me: ivanp85": the messenger, "me", and the name to find there.
    private func handleAfterMe(_ text: ContactDetailText, platformLast: Int) -> Int? {
        guard text.has(platformLast + 1, .objectPronoun) else { return nil }
        let index = platformLast + 2
        guard text.keyEquals(index, "at") || text.isSymbol(index, ":") || text.isSymbol(index, "@")
        else {
            return nil
        }
        if text.isSymbol(index, "@"), let last = atHandleEnd(text, at: index) { return last }
        guard let last = text.identifierEnd(from: index + 1), isMadeUpName(text, index + 1, last) else {
            return nil
        }
        return last
    }

    /// Whether a made-up name ("velo_garage", "dani88x") starts at token `index`.
    private func madeUpNameFollows(_ text: ContactDetailText, _ index: Int) -> Bool {
        guard index < text.count, !text.tokens[index].lineBreakBefore,
            let last = text.identifierEnd(from: index)
        else { return false }
        return isMadeUpName(text, index, last)
    }

    /// An identifier no one writes by accident: with "_" or "." inside ("lily_b", "mia.makes"), or three
    /// letters and two digits ("dan88") — not "v2" or "2.0".
    private func isMadeUpName(_ text: ContactDetailText, _ first: Int, _ last: Int) -> Bool {
        guard text.tokens[first].letters > 0, !text.has(first, .commonWord) else { return false }
        if last > first { return text.tokens[last].letters > 0 || text.tokens[first].letters >= 3 }
        return text.tokens[first].letters >= 3 && text.tokens[first].digits >= 2
    }

    /// "WhatsApp me", "text me on whatsapp", "let's continue on telegram", "shoot me a WhatsApp",
    /// "can we move to WhatsApp?", "do you have viber?", "whatsapp?".
    private func invitation(
        _ text: ContactDetailText, platform: Int, last: Int, strong: Bool
    ) -> (
        Int, Int
    )? {
        // "WhatsApp me", "Viber me the photos", "WA me": a weak name too when written as an abbreviation.
        let abbreviated =
            text.tokens[platform].keyLength == 2 && text.tokens[platform].capitals == 2
            && endsPhrase(text, after: last + 1)
        if strong || abbreviated, text.has(last + 1, .objectPronoun) && !text.touchesPrevious(last + 1) {
            return (platform, last + 1)
        }
        // "only whatsapp", "nur WhatsApp bitte", "solo whatsapp": the one way to reach the writer.
        if strong && text.has(platform - 1, .only) && endsPhrase(text, after: last)
            && !text.has(platform - 2, [.possessionQuestion, .preposition])
        {
            return (platform - 1, last)
        }
        if strong, let end = comparisonEnd(text, after: last) { return (platform, end) }
        if strong && text.has(last + 1, .trailingContactVerb) { return (platform, last + 1) }
        if strong && text.has(last + 1, .filler) && text.has(last + 2, .trailingContactVerb) {
            return (platform, last + 2)
        }
        // "insta DM me", "whatsapp text me".
        if strong && text.has(last + 1, .contactVerb) && text.has(last + 2, .objectPronoun) {
            return (platform, last + 2)
        }
        // "WhatsApp only pls": the only way, closing the phrase; "seen on Instagram only" is not.
        if strong && text.has(last + 1, .only) && endsPhrase(text, after: last + 1)
            && !text.has(platform - 1, .preposition)
        {
            return (platform, last + 1)
        }
        // "WA only", "tg only": a short name too, when the two words are the whole phrase ("ships to WA only"
        // is about a place).
        if text.tokens[platform].keyLength == 2 && text.has(last + 1, .only)
            && endsPhrase(text, after: last + 1)
            && opensPhrase(text, platform)
        {
            return (platform, last + 1)
        }
        // "prefer whatsapp, faster", "I'd rather use telegram."; "I prefer Instagram for browsing" is not.
        if strong && endsPhrase(text, after: last), let cue = preferenceBefore(text, platform) {
            return (cue, last)
        }
        // "whatsapp var mı?": Turkish asks after the messenger.
        if strong && text.keyEquals(last + 1, "var")
            && (text.keyEquals(last + 2, "mı") || text.keyEquals(last + 2, "mi"))
        {
            return (platform, last + 2)
        }
        var before = platform - 1
        var skipped = 0
        while skipped < 2 && text.has(before, [.article, .possessive])
            && !text.has(before, .preposition)
        {
            before -= 1
            skipped += 1
        }
        if text.has(before, .preposition) || isPortugueseOn(text, before) {
            // "I'm not on whatsapp anymore", "ich bin nicht auf Telegram".
            if isNegation(text, before - 1) { return nil }
            if let cue = cue(text, before: before, strong: strong, classes: .contactVerb) {
                return (cue, last)
            }
        } else if text.has(before, .towards) {
            if let cue = cue(text, before: before, strong: false, classes: .movementVerb) {
                return (cue, last)
            }
        } else if strong {
            // "Shoot me a WhatsApp", "mándame un whatsapp".
            var index = platform - 1
            var between = 0
            while between < 3 && text.has(index, [.article, .objectPronoun, .secondPerson, .filler]) {
                index -= 1
                between += 1
            }
            if between > 0 && text.has(index, .contactVerb) { return (index, last) }
        }
        // "me manda um zap": the pronoun before the verb, as Portuguese places it, and an article before a
        // weak name ("send me a signal" puts "me" after the verb).
        if !strong && text.has(platform - 1, .article) && text.has(platform - 2, .contactVerb)
            && text.has(platform - 3, .objectPronoun)
        {
            return (platform - 3, last)
        }
        // "Do you have viber?", "Got Signal?", "whatsapp?"; a question may end the message without its mark
        // ("hast du telegram", "r u on insta").
        let marked = text.isSymbol(last + 1, "?")
        if marked || (last + 1 == text.count && opensAQuestion(text)) {
            let sentenceStart =
                platform == 0 || text.isBoundary(platform - 1) || text.isSymbol(platform - 1, ".")
                || text.tokens[platform].lineBreakBefore
            if strong && sentenceStart && last + 1 < text.count { return (platform, last) }
            var index = platform - 1
            var words = 0
            var asks = false
            var you = false
            while index >= 0 && words < 4 && (text.isWord(index) || isHyphenInWord(text, index)) {
                if text.has(index, .possessionQuestion) {
                    asks = true
                    let atStart =
                        index == 0 || text.isBoundary(index - 1) || text.isSymbol(index - 1, ".")
                        || text.isSymbol(index - 1, "¿")
                    if atStart { you = true }
                }
                if text.has(index, .secondPerson) { you = true }
                index -= 1
                words += 1
            }
            if asks && you { return (platform, last) }
            // "Are you on Snapchat?", "u on snap?"
            if text.has(platform - 1, .preposition) && text.has(platform - 2, .secondPerson) {
                return (platform, last)
            }
        }
        return nil
    }

    /// "find it on insta", "search this on instagram": looking for a thing there, not for the writer.
    private func findsAThing(_ text: ContactDetailText, _ verb: Int) -> Bool {
        guard
            text.keyEquals(verb, "find") || text.keyEquals(verb, "search") || text.keyEquals(verb, "look")
        else {
            return false
        }
        return text.keyEquals(verb + 1, "it") || text.keyEquals(verb + 1, "this")
            || text.keyEquals(verb + 1, "that")
            || text.keyEquals(verb + 1, "them") || text.keyEquals(verb + 1, "one")
    }

    private func isNegation(_ text: ContactDetailText, _ index: Int) -> Bool {
        text.keyEquals(index, "not") || text.keyEquals(index, "nicht") || text.keyEquals(index, "niet")
            || text.keyEquals(index, "nie") || text.keyEquals(index, "pas")
            || text.keyEquals(index, "non")
            || text.keyEquals(index, "não") || text.keyEquals(index, "nao")
            || text.keyEquals(index, "never")
    }

    /// Whether the message opens the way a yes-or-no question does ("do u use signal", "hast du telegram", "r u
    /// on insta"), for a question written without its mark.
    private func opensAQuestion(_ text: ContactDetailText) -> Bool {
        text.has(0, .possessionQuestion) || text.keyEquals(0, "do") || text.keyEquals(0, "does")
            || text.keyEquals(0, "r") || text.keyEquals(0, "are")
    }

    /// Portuguese "no" ("me chama no zap", "fala comigo no whats"), which is English "no" too: read as "on"
    /// only after "comigo" or a "me" placed before its verb, as Portuguese places it.
    private func isPortugueseOn(_ text: ContactDetailText, _ index: Int) -> Bool {
        guard text.keyEquals(index, "no") else { return false }
        if text.keyEquals(index - 1, "comigo") || text.keyEquals(index - 1, "mensagem") { return true }
        var verb = index - 1
        while verb > index - 4 && text.isWord(verb) {
            if text.has(verb, .contactVerb) && text.keyEquals(verb - 1, "me") { return true }
            verb -= 1
        }
        return false
    }

    /// Whether nothing but punctuation, a line break or "pls" follows token `index` in its phrase.
    private func endsPhrase(_ text: ContactDetailText, after index: Int) -> Bool {
        !text.isWord(index + 1) || text.tokens[index + 1].lineBreakBefore
            || text.keyEquals(index + 1, "pls")
            || text.keyEquals(index + 1, "please") || text.keyEquals(index + 1, "bitte")
            || text.keyEquals(index + 1, "svp") || text.keyEquals(index + 1, "porfa")
    }

    /// Whether token `index` opens its message, line or sentence.
    private func opensPhrase(_ text: ContactDetailText, _ index: Int) -> Bool {
        index == 0 || text.tokens[index].lineBreakBefore || text.isBoundary(index - 1)
            || text.isSymbol(index - 1, ".")
            || text.isSymbol(index - 1, ",") || text.isSymbol(index - 1, "-")
            || text.isSymbol(index - 1, "(")
    }

    /// "as-tu whatsapp ?": a hyphen joining a question's verb and pronoun.
    private func isHyphenInWord(_ text: ContactDetailText, _ index: Int) -> Bool {
        text.isSymbol(index, "-") && text.touchesPrevious(index) && text.touchesPrevious(index + 1)
            && text.isWord(index - 1)
    }

    /// "prefer WhatsApp", "I'd rather use telegram", "prefiero whatsapp": up to two words (an article, "to
    /// use") between the wish and the messenger.
    private func preferenceBefore(_ text: ContactDetailText, _ platform: Int) -> Int? {
        var index = platform - 1
        var words = 0
        while words < 3 && text.isWord(index) && !text.tokens[index + 1].lineBreakBefore {
            if text.has(index, .preference) { return index }
            guard text.has(index, [.article, .towards, .possessionQuestion, .preposition]) else {
                return nil
            }
            index -= 1
            words += 1
        }
        return nil
    }

    /// "WhatsApp is faster", "telegram would be easier for me": proposing the messenger over this chat; but
    /// "WhatsApp is better than Telegram" compares the two.
    private func comparisonEnd(_ text: ContactDetailText, after last: Int) -> Int? {
        var index = last + 1
        var words = 0
        while words < 3 && text.isWord(index) && !text.tokens[index].lineBreakBefore {
            if text.has(index, .comparative) {
                // It proposes when it ends the phrase or says for whom: "is faster 4 me", "would be easier,".
                guard words > 0 else { return nil }
                if !text.isWord(index + 1) || text.tokens[index + 1].lineBreakBefore { return index }
                if text.has(index + 1, .objectPronoun) { return index + 1 }
                let forWhom = text.keyEquals(index + 1, "for") || text.keyEquals(index + 1, "4")
                return forWhom && text.has(index + 2, .objectPronoun) ? index + 2 : nil
            }
            guard text.has(index, [.copula, .commonWord]) else { return nil }
            words += 1
            index += 1
        }
        return nil
    }

    /// A contact verb, or for well-known messengers also "me", "us" or "let's", up to six words before the
    /// preposition at `before`, within the same sentence.
    private func cue(
        _ text: ContactDetailText, before: Int, strong: Bool, classes: ContactDetailWordClass
    ) -> Int? {
        var index = before - 1
        var words = 0
        var found: Int? = nil
        let wanted: ContactDetailWordClass =
            strong ? classes.union([.objectPronoun, .firstPerson]) : classes
        while index >= 0 && words < 6 {
            let token = text.tokens[index]
            if token.isWord {
                words += 1
                if !token.classes.isDisjoint(with: wanted) && !findsAThing(text, index) { found = index }
            } else if text.isBoundary(index) || token.symbol == 0x2E {
                break
            }
            if token.lineBreakBefore { break }
            index -= 1
        }
        return found
    }
}
