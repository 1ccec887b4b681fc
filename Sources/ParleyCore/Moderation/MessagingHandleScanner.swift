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
            if let last = redditHandleEnd(text, at: index) {
                append(text, index, last, .handle, into: &matches)
                index = last + 1
                continue
            }
            let token = text.tokens[index]
            guard token.isWord,
                !token.classes.isDisjoint(with: [
                    .platform, .weakPlatform, .whats, .emailProvider,
                    .mailbox,
                ])
            else {
                index += 1
                continue
            }
            var platformLast = index
            var strong = token.classes.contains(.platform)
            if token.classes.contains(.whats) {
                guard text.has(index + 1, .app) else {
                    index += 1
                    continue
                }
                platformLast = index + 1
                strong = true
            }
            let isMessenger = !token.classes.isDisjoint(with: [.platform, .weakPlatform]) || platformLast > index
            if let (first, last) = possessiveHandle(text, platform: index, platformLast: platformLast) {
                let mailbox = !isMessenger
                append(text, first, last, mailbox ? .email : .handle, into: &matches)
                index = last + 1
                continue
            }
            if isMessenger, let (first, last) = invitation(text, platform: index, last: platformLast, strong: strong) {
                append(text, first, last, .handle, into: &matches)
                index = last + 1
                continue
            }
            index = platformLast + 1
        }
    }

    private func append(
        _ text: ContactDetailText, _ first: Int, _ last: Int, _ kind: ContactDetailKind,
        into matches: inout [ContactDetailMatch]
    ) {
        matches.append(ContactDetailMatch(start: text.tokens[first].start, end: text.tokens[last].end, kind: kind))
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
            if first.letters == 0 || first.keyLength < 2 || first.classes.contains(.commonWord) { return nil }
            if first.digits > 0 && (text.keyHasSuffix(index + 1, "am") || text.keyHasSuffix(index + 1, "pm")) {
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
        guard last == index + 1, text.tokens[last].digits == 0 else { return false }
        var position = index - 1
        var words = 0
        while position >= 0 && words < 3 && !text.isBoundary(position) {
            if text.has(position, [.contactVerb, .firstPerson, .possessive]) { return false }
            if text.isWord(position) { words += 1 }
            position -= 1
        }
        if messengerNamed == nil {
            messengerNamed = text.tokens.contains { !$0.classes.isDisjoint(with: [.platform, .weakPlatform, .whats]) }
        }
        return messengerNamed != true
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
    private func possessiveHandle(_ text: ContactDetailText, platform: Int, platformLast: Int) -> (Int, Int)? {
        let messenger = text.has(platform, [.platform, .weakPlatform]) || platformLast > platform
        // "my handle on tiktok is dance_queen", "my name on insta: mia".
        let nounFirst =
            messenger && text.has(platform - 1, .preposition) && text.has(platform - 2, .handleNoun)
            && text.has(platform - 3, .possessive)
        let possessive = text.has(platform - 1, .possessive) || nounFirst
        let start = nounFirst ? platform - 3 : possessive ? platform - 1 : platform
        // "snap lily_b2004": a made-up name right after the messenger.
        if messenger, !text.tokens[platformLast + 1 < text.count ? platformLast + 1 : platformLast].lineBreakBefore,
            let last = text.identifierEnd(from: platformLast + 1), isMadeUpName(text, platformLast + 1, last)
        {
            return (start, last)
        }
        guard possessive || messenger else { return nil }
        var index = platformLast + 1
        var nouns = 0
        while nouns < 2 && text.has(index, .handleNoun) && !text.has(index, .copula) {
            index += 1
            nouns += 1
        }
        var linked = false
        if text.has(index, .copula) {
            guard possessive else { return nil }
            index += 1
            linked = true
        }
        switch text.symbol(index) {
        case 0x3A, 0x3D, 0x2D, 0x2192, 0x3E:
            index += 1
            linked = true
        default: break
        }
        guard linked, index < text.count, !text.tokens[index].lineBreakBefore else { return nil }
        if let last = atHandleEnd(text, at: index) { return (start, last) }
        guard let last = text.identifierEnd(from: index), !text.has(index, .commonWord) else { return nil }
        if text.tokens[index].isNumber && last == index { return nil }
        let handleLike = text.looksLikeHandle(index, last)
        let mailbox = !messenger
        guard handleLike || (possessive && !mailbox) else { return nil }
        return (start, last)
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
    private func invitation(_ text: ContactDetailText, platform: Int, last: Int, strong: Bool) -> (Int, Int)? {
        // "WhatsApp me", "Viber me the photos".
        if strong && text.has(last + 1, .objectPronoun) && !text.touchesPrevious(last + 1) {
            return (platform, last + 1)
        }
        var before = platform - 1
        var skipped = 0
        while skipped < 2 && text.has(before, [.article, .possessive]) && !text.has(before, .preposition) {
            before -= 1
            skipped += 1
        }
        if text.has(before, .preposition) {
            if let cue = cue(text, before: before, strong: strong, classes: .contactVerb) {
                return (cue, last)
            }
        } else if text.has(before, .towards) {
            if let cue = cue(text, before: before, strong: false, classes: .movementVerb) { return (cue, last) }
        } else if strong {
            // "Shoot me a WhatsApp", "mándame un whatsapp".
            var index = platform - 1
            var between = 0
            while between < 3 && text.has(index, [.article, .objectPronoun, .secondPerson]) {
                index -= 1
                between += 1
            }
            if between > 0 && text.has(index, .contactVerb) { return (index, last) }
        }
        // "Do you have viber?", "Got Signal?", "whatsapp?".
        if text.isSymbol(last + 1, "?") {
            let sentenceStart =
                platform == 0 || text.isBoundary(platform - 1) || text.isSymbol(platform - 1, ".")
                || text.tokens[platform].lineBreakBefore
            if strong && sentenceStart { return (platform, last) }
            var index = platform - 1
            var words = 0
            var asks = false
            var you = false
            while index >= 0 && words < 4 && text.isWord(index) {
                if text.has(index, .possessionQuestion) {
                    asks = true
                    let atStart = index == 0 || text.isBoundary(index - 1) || text.isSymbol(index - 1, ".")
                    if atStart { you = true }
                }
                if text.has(index, .secondPerson) { you = true }
                index -= 1
                words += 1
            }
            if asks && you { return (platform, last) }
            // "Are you on Snapchat?"
            if strong && text.has(platform - 1, .preposition) && text.has(platform - 2, .secondPerson) {
                return (platform, last)
            }
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
        let wanted: ContactDetailWordClass = strong ? classes.union([.objectPronoun, .firstPerson]) : classes
        while index >= 0 && words < 6 {
            let token = text.tokens[index]
            if token.isWord {
                words += 1
                if !token.classes.isDisjoint(with: wanted) { found = index }
            } else if text.isBoundary(index) || token.symbol == 0x2E {
                break
            }
            if token.lineBreakBefore { break }
            index -= 1
        }
        return found
    }
}
