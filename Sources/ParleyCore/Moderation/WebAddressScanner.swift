/// Finds web addresses with or without a scheme ("https://…", "www.example.org", "bit.ly/x",
/// "shop.example.co.uk/item", "mysite dot com", "mysite[.]com") while leaving file names ("photo.jpg"),
/// abbreviations ("e.g.", "approx.") and run-together sentences ("fine.no issues") alone.
struct WebAddressScanner {
    private struct Label {
        var first: Int
        var last: Int
    }

    func scan(_ text: ContactDetailText, into matches: inout [ContactDetailMatch]) {
        var labels: [Label] = []
        var connectors: [ContactDetailText.Connector] = []
        var index = 0
        while index < text.count {
            if let last = schemeURLEnd(text, at: index) {
                matches.append(
                    ContactDetailMatch(
                        start: text.tokens[index].start, end: text.tokens[last].end,
                        kind: .web))
                index = last + 1
                continue
            }
            if let last = spacedShortenerEnd(text, at: index) {
                matches.append(
                    ContactDetailMatch(
                        start: text.tokens[index].start, end: text.tokens[last].end, kind: .web))
                index = last + 1
                continue
            }
            if let last = spacedWWWEnd(text, at: index) {
                matches.append(
                    ContactDetailMatch(
                        start: text.tokens[index].start, end: text.tokens[last].end, kind: .web))
                index = last + 1
                continue
            }
            guard let firstEnd = text.labelEnd(from: index) else {
                index += 1
                continue
            }
            if let last = dotlessSiteEnd(text, name: index, nameEnd: firstEnd) {
                matches.append(
                    ContactDetailMatch(
                        start: text.tokens[index].start, end: text.tokens[last].end, kind: .web))
                index = last + 1
                continue
            }
            // Past the whole label either way: "a-a-a-…" must not be re-read from each of its words.
            guard text.connector(after: firstEnd) != nil else {
                index = firstEnd + 1
                continue
            }
            labels.removeAll(keepingCapacity: true)
            connectors.removeAll(keepingCapacity: true)
            labels.append(Label(first: index, last: firstEnd))
            var last = firstEnd
            while let (connector, next) = text.connector(after: last), let end = text.labelEnd(from: next) {
                connectors.append(connector)
                labels.append(Label(first: next, last: end))
                last = end
            }
            if labels.count >= 2 { last = max(last, evaluate(text, labels, connectors, into: &matches)) }
            index = last + 1
        }
    }

    /// "http://…" or "https://…" up to the next space; spaced out ("h t t p s : / / shop . it"), up to the
    /// end of the domain that follows.
    private func schemeURLEnd(_ text: ContactDetailText, at index: Int) -> Int? {
        guard text.has(index, .scheme), text.isSymbol(index + 1, ":"), text.isSymbol(index + 2, "/")
        else {
            return nil
        }
        guard text.touchesPrevious(index + 1), text.touchesPrevious(index + 2),
            text.touchesPrevious(index + 3)
        else { return spacedSchemeURLEnd(text, at: index) }
        var last = index + 3
        while last + 1 < text.count && text.touchesPrevious(last + 1) { last += 1 }
        while last > index + 3 && text.isTrailingPunctuation(last) { last -= 1 }
        return last
    }

    /// "h t t p s : / / shop . it": the domain after a spaced-out scheme, joined however its dots are written.
    private func spacedSchemeURLEnd(_ text: ContactDetailText, at index: Int) -> Int? {
        var first = index + 3
        if text.isSymbol(first, "/") { first += 1 }
        guard first < text.count, !text.tokens[first].lineBreakBefore,
            var last = text.labelEnd(from: first)
        else {
            return nil
        }
        var labels = 1
        while labels < 6, let (_, next) = text.connector(after: last),
            let end = text.labelEnd(from: next)
        {
            last = end
            labels += 1
        }
        return labels >= 2 ? last : nil
    }

    /// "www mysite com", "www oak-and-pine co uk": the dots left out, which "www" before a name and a known
    /// ending make plain.
    private func spacedWWWEnd(_ text: ContactDetailText, at index: Int) -> Int? {
        guard text.has(index, .www), let nameEnd = text.labelEnd(from: index + 1),
            text.tokens[index + 1].spaceBefore,
            !text.tokens[index + 1].lineBreakBefore
        else { return nil }
        var last = nameEnd + 1
        guard last < text.count, text.tokens[last].spaceBefore, !text.tokens[last].lineBreakBefore,
            text.has(last, .spokenTLD)
        else { return nil }
        if text.keyEquals(last, "co") && text.has(last + 1, .spokenTLD)
            && text.tokens[last + 1].spaceBefore
        {
            last += 1
        }
        return last
    }

    /// "my website is handmadebyclara com", "visit oakandpine com", "mi tienda: zapatosluna es": a name and
    /// a domain ending with the dot left out, which only a site named just before makes an address.
    private func dotlessSiteEnd(_ text: ContactDetailText, name: Int, nameEnd: Int) -> Int? {
        let tld = nameEnd + 1
        guard text.has(tld, .spokenTLD), text.tokens[tld].spaceBefore,
            !text.tokens[tld].lineBreakBefore,
            !text.has(tld, .copula), text.tokens[name].letters >= 6 || nameEnd > name,
            !text.has(name, [.commonWord, .article, .possessive, .preposition, .tld, .copula]),
            !isSiteWord(text, name)
        else { return nil }
        var last = tld
        if text.keyEquals(tld, "co") && text.has(tld + 1, .spokenTLD)
            && text.tokens[tld + 1].spaceBefore
        {
            last = tld + 1
        }
        // "com" says it plainly; a country ending ("de", "pl") must close the phrase.
        let closes = !text.isWord(last + 1) || text.tokens[last + 1].lineBreakBefore
        guard text.has(tld, .genericTLD) || closes else { return nil }
        return isIntroducedAsSite(text, before: name) ? last : nil
    }

    /// Whether a site, shop or catalogue is named, or a visit asked for, up to four words before `index` in
    /// the same sentence: "my website is", "visit", "il catalogo completo è su", "meine Seite:".
    private func isIntroducedAsSite(_ text: ContactDetailText, before index: Int) -> Bool {
        var position = index - 1
        var words = 0
        while position >= 0 && words < 5 && !text.isBoundary(position)
            && !text.tokens[position + 1].lineBreakBefore
        {
            if text.isWord(position) {
                if isSiteWord(text, position) { return true }
                words += 1
            }
            position -= 1
        }
        return false
    }

    /// "trovi tutto su artigianatoluca.it", "auf holzkunst.at": a site after "on", "su", "auf", "sur", "op",
    /// "na", "em", "dal", whose country ending is also a word. The name is long (seven letters or more, not
    /// "tutto.it") and the ending closes the phrase, as a sentence run together at its full stop ("on
    /// sunday.no problem") does not.
    private func isPlacedSite(_ text: ContactDetailText, name: Int, tld: Int) -> Bool {
        guard text.keyIsOne(of: Self.placingWords, at: name - 1),
            text.keyIsOne(of: Self.placedEndings, at: tld), text.tokens[name].keyLength >= 7
        else { return false }
        return isNamedSite(text, name: name, tld: tld)
    }

    /// A name of five letters or more that is no everyday word, and an ending that closes the phrase.
    private func isNamedSite(_ text: ContactDetailText, name: Int, tld: Int) -> Bool {
        guard text.tokens[name].keyLength >= 5, !text.has(name, [.commonWord, .possessive, .article]),
            text.tokens[tld].keyLength <= 3, text.tokens[tld].capitals == 0
        else { return false }
        return !text.isWord(tld + 1) || text.tokens[tld + 1].lineBreakBefore
    }

    private static let placingWords: [StaticString] = [
        "su", "sul", "sulla", "dal", "dalla", "on", "at", "auf", "bei", "sur", "en", "op", "na", "em", "via",
        "unter", "from", "von", "da",
    ]

    /// Country endings that are also words, but never end a sentence run together with the next one.
    private static let placedEndings: [StaticString] = ["it", "at", "be", "me", "is", "tv", "ly", "fm", "ai"]

    /// "site", "website", "shop", "Seite", "tienda", "sito", "sklep", "catalogo", "visit": a word that names
    /// or points to a place on the web.
    private func isSiteWord(_ text: ContactDetailText, _ index: Int) -> Bool {
        text.keyIsOne(of: Self.siteWords, at: index)
    }

    private static let siteWords: [StaticString] = [
        "site", "website", "webshop", "shop", "store", "blog", "catalogue", "catalog", "catalogo",
        "katalog",
        "seite", "webseite", "homepage", "tienda", "sitio", "página", "pagina", "sito", "negozio",
        "boutique",
        "loja", "winkel", "sklep", "strona", "stronie", "sitem", "sitemiz", "visit", "visita",
        "visitez",
        "besuch", "besuche", "odwiedź", "odwiedz", "bezoek", "portfolio",
    ]

    /// "amazon.de", "ikea.com", "ebay.co.uk": a big marketplace or retailer, named where something was bought
    /// or seen. Without a path it is contact only when the writer calls it theirs ("my listing on ebay.co.uk",
    /// "find me on etsy.com").
    private func isRetailerNamedInPassing(
        _ text: ContactDetailText, name: Int, start: Int, path: Bool
    ) -> Bool {
        guard !path, text.isWord(name), isRetailer(text, name) else { return false }
        var position = start - 1
        var words = 0
        while position >= 0 && words < 3 && !text.isBoundary(position) {
            if text.has(position, [.possessive, .objectPronoun]) || text.keyEquals(position, "our") {
                return false
            }
            if text.isWord(position) { words += 1 }
            position -= 1
        }
        return true
    }

    private func isRetailer(_ text: ContactDetailText, _ index: Int) -> Bool {
        text.keyIsOne(of: Self.retailers, at: index)
    }

    /// Marketplaces and retailers big enough to be where anyone buys or sees things.
    private static let retailers: [StaticString] = [
        "amazon", "ebay", "ikea", "etsy", "allegro", "zalando", "aliexpress", "alibaba", "otto",
        "mediamarkt",
        "saturn", "walmart", "target", "bestbuy", "argos", "currys", "johnlewis", "bol", "coolblue",
        "cdiscount",
        "fnac", "darty", "decathlon", "asos", "temu", "shein", "wish", "vinted", "olx", "wallapop",
        "leboncoin",
        "kleinanzeigen", "marktplaats", "subito", "idealo", "elcorteingles", "trendyol", "hepsiburada",
        "apple",
        "samsung", "zara", "hm", "lidl", "aldi", "tesco", "costco", "wayfair", "homedepot", "lowes",
    ]

    /// A link shortener with its dot left out, "tinyurl com / 4bx9kz7p" or "bit ly 3xKq9Lm": the short
    /// names need the code after them, the long ones ("tinyurl", "shorturl") say enough on their own.
    private func spacedShortenerEnd(_ text: ContactDetailText, at index: Int) -> Int? {
        if let last = namedShortenerPathEnd(text, at: index) { return last }
        guard text.has(index, .shortener), text.tokens[index].keyLength >= 3, text.has(index + 1, .tld),
            text.tokens[index + 1].spaceBefore, text.tokens[index + 1].keyLength <= 3,
            !text.tokens[index + 1].lineBreakBefore
        else { return nil }
        var code = index + 2
        if text.isSymbol(code, "/") || text.has(code, .slashWord) { code += 1 }
        if text.isWord(code), !text.tokens[code].lineBreakBefore, !text.has(code, .commonWord),
            text.tokens[code].digits > 0 && text.tokens[code].letters > 0 || code > index + 2
        {
            return code
        }
        // "paypal me the money" is a sentence; "tinyurl com" is not.
        return text.tokens[index].keyLength >= 6 && !text.has(index + 1, .wordlikeTLD) ? index + 1 : nil
    }

    /// "tinyurl then slash cheapsofa99", "tinyurl / 4bx9kz7p": a long shortener name, a slash, and a code.
    private func namedShortenerPathEnd(_ text: ContactDetailText, at index: Int) -> Int? {
        guard text.has(index, .shortener), text.tokens[index].keyLength >= 6 else { return nil }
        var slash = index + 1
        if text.has(slash, .numberJoiner) { slash += 1 }
        guard text.isSymbol(slash, "/") || text.has(slash, .slashWord) else { return nil }
        let code = slash + 1
        guard text.isWord(code), !text.tokens[code].lineBreakBefore, !text.has(code, .commonWord),
            text.tokens[code].keyLength >= 4
        else { return nil }
        return code
    }

    /// Tries every label that is a top-level domain, right to left, as the end of an address; returns the
    /// last token an address took (its path can run past the labels), so the scan never reads a path twice.
    private func evaluate(
        _ text: ContactDetailText, _ labels: [Label], _ connectors: [ContactDetailText.Connector],
        into matches: inout [ContactDetailMatch]
    ) -> Int {
        var consumed = 0
        var top = labels.count - 1
        while top >= 1 {
            let tld = labels[top]
            guard tld.first == tld.last, text.has(tld.first, .tld) else {
                top -= 1
                continue
            }
            let connector = connectors[top - 1]
            // "co.uk", "com.au": the name is the label before the second-level domain.
            var name = top - 1
            if name >= 1 && labels[name].first == labels[name].last
                && (text.has(labels[name].first, .genericTLD) || text.keyEquals(labels[name].first, "co"))
                && connectors[name - 1].isObfuscated == connector.isObfuscated
            {
                name -= 1
            }
            var first = name
            while first > 0 && top - first < 6
                && connectors[first - 1].isObfuscated == connector.isObfuscated
            {
                first -= 1
            }
            let www = text.has(labels[first].first, .www)
            let pathEnd = text.pathEnd(after: tld.last)
            if accepts(
                text, name: labels[name], tld: tld.first, connector: connector, www: www,
                path: pathEnd != nil),
                !isRetailerNamedInPassing(
                    text, name: labels[name].first, start: labels[first].first, path: pathEnd != nil)
            {
                let nameToken = labels[name].first
                let messaging =
                    text.has(nameToken, .messagingHost)
                    && (text.tokens[nameToken].keyLength >= 3 || text.keyEquals(tld.first, "me"))
                matches.append(
                    ContactDetailMatch(
                        start: text.tokens[labels[first].first].start,
                        end: text.tokens[pathEnd ?? tld.last].end,
                        kind: messaging ? .handle : .web))
                consumed = max(consumed, pathEnd ?? tld.last)
                top = first - 1
            } else {
                top -= 1
            }
        }
        return consumed
    }

    private func accepts(
        _ text: ContactDetailText, name: Label, tld: Int, connector: ContactDetailText.Connector,
        www: Bool,
        path: Bool
    ) -> Bool {
        if www { return true }
        let nameToken = text.tokens[name.first]
        guard nameToken.letters > 0 || name.last > name.first else { return false }
        switch connector {
        case .tight
        where !path && name.first == name.last && isFrameworkName(text, name.first, tld: tld):
            return false
        case .tight:
            if text.has(tld, .wordlikeTLD) {
                if path || (name.first == name.last && text.has(name.first, [.shortener, .messagingHost])) {
                    return true
                }
                // "arredi-vintage.it", or a site named just before ("il mio sito: ceramiche.it"): a country
                // ending that is also a word, written in lowercase as addresses are.
                let lowercase = text.tokens[tld].capitals == 0
                return lowercase
                    && (name.last > name.first || isIntroducedAsSite(text, before: name.first)
                        || isPlacedSite(text, name: name.first, tld: tld))
            }
            // One-letter names are real only under the big generic domains (x.com); "e.g" is not one.
            return path || nameToken.keyLength >= 2 || name.last > name.first
                || text.has(tld, .genericTLD)
        case .bracketed:
            // "pelletteriarossi [punto] it": a bracketed dot is never a sentence's, so a long name and an
            // ending that closes the phrase are enough.
            return !text.has(tld, .wordlikeTLD) || path || isNamedSite(text, name: name.first, tld: tld)
        case .foreign:
            // "moebel-schmidt punkt de", "tienda punto es"; but Spanish "mi punto es que…" is a sentence.
            // Any other country ending ("negozio punto it", "loja ponto pt") must close the phrase.
            guard text.has(tld, [.genericTLD, .spokenTLD]) else {
                return isNamedSite(text, name: name.first, tld: tld)
            }
            // French "point de vente", Spanish "punto de encuentro": "de" is "of" when a word follows it.
            if text.keyEquals(tld, "de") && !path && text.isWord(tld + 1)
                && !text.tokens[tld + 1].lineBreakBefore
                && text.tokens[tld + 1].letters > 0
            {
                return false
            }
            if name.last > name.first { return true }
            guard !text.has(name.first, [.commonWord, .possessive, .article]) else { return false }
            return text.has(tld, .copula) ? nameToken.keyLength >= 4 : nameToken.keyLength >= 2
        case .spoken where !text.has(tld, [.spokenTLD, .wordlikeTLD]):
            // "vintagevault dot shop": a newer domain said aloud, after a name too long to be a word before
            // "dot" in a sentence ("polka dot art").
            return nameToken.keyLength >= 6 && !text.has(name.first, .commonWord)
        case .spoken, .spaced:
            guard text.has(tld, .spokenTLD), !text.has(name.first, .commonWord) || name.last > name.first
            else {
                return false
            }
            return nameToken.keyLength >= (connector == .spaced ? 3 : 2) || name.last > name.first
        }
    }

    /// "ASP.NET", "VB.NET", "ado.net": frameworks whose names are written like domains. A known framework
    /// name, or ".NET" in capitals after a short name in capitals, is not an address without a path.
    private func isFrameworkName(_ text: ContactDetailText, _ name: Int, tld: Int) -> Bool {
        if text.has(name, .techName) { return true }
        let nameToken = text.tokens[name]
        let tldToken = text.tokens[tld]
        return text.keyEquals(tld, "net") && tldToken.capitals == tldToken.letters
            && nameToken.capitals == nameToken.letters && nameToken.letters <= 4
    }
}
