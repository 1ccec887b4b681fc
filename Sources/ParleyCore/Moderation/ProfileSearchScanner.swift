/// Finds a profile to look up by the person's name on a messenger or network named just before: "fb
/// messenger? search Anna Kowalski", "on insta look for Marta Nowak", "Facebook: cherche Julie Martin". The
/// name is two or three capitalised words no vocabulary knows; "search it on instagram", "facebook, search
/// Google Images for it" and "facebook? search Marketplace" (one word) are left alone.
struct ProfileSearchScanner {
    func scan(_ text: ContactDetailText, into matches: inout [ContactDetailMatch]) {
        var index = 0
        while index < text.count {
            // Only a messenger starts the look; most messages name none, and cost a class test per word.
            guard isMessenger(text, index), let verb = searchVerbAfter(text, index),
                let last = personNameEnd(text, after: verb)
            else {
                index += 1
                continue
            }
            matches.append(
                ContactDetailMatch(start: text.tokens[index].start, end: text.tokens[last].end, kind: .handle))
            index = last + 1
        }
    }

    private func isMessenger(_ text: ContactDetailText, _ index: Int) -> Bool {
        text.has(index, .platform) || text.keyEquals(index, "fb")
    }

    /// The search verb up to five words after the messenger, a question mark or colon allowed between ("fb
    /// messenger? search …") but no comma or full stop.
    private func searchVerbAfter(_ text: ContactDetailText, _ messenger: Int) -> Int? {
        var index = messenger + 1
        var words = 0
        while index < text.count && words < 5 && !text.tokens[index].lineBreakBefore {
            if text.isWord(index) {
                if text.tokens[index].capitals == 0 && text.keyIsOne(of: Self.searchVerbs, at: index) { return index }
                words += 1
            } else if text.isSymbol(index, ".") || text.isSymbol(index, ",") {
                return nil
            }
            index += 1
        }
        return nil
    }

    private static let searchVerbs: [StaticString] = [
        "search", "cherche", "cherchez", "busca", "búscame", "buscame", "cerca", "cercami", "such", "suche",
        "suchen", "szukaj", "zoek", "procura", "procure", "pesquisa", "ara", "lookup",
    ]

    /// Two or three capitalised words after the verb (and "for", "me", "nach"), none of them known words.
    private func personNameEnd(_ text: ContactDetailText, after verb: Int) -> Int? {
        var first = verb + 1
        if text.keyEquals(first, "for") || text.keyEquals(first, "nach") || text.keyEquals(first, "me") {
            first += 1
        }
        var last = first - 1
        while last + 1 < text.count && last - first < 2 && isNamePart(text, last + 1) { last += 1 }
        // "search Google Images for it" looks for a thing.
        let thing =
            text.keyEquals(last + 1, "for") || text.keyEquals(last + 1, "on") || text.keyEquals(last + 1, "in")
        return last > first && !thing ? last : nil
    }

    private func isNamePart(_ text: ContactDetailText, _ index: Int) -> Bool {
        guard text.isWord(index), !text.tokens[index].lineBreakBefore else { return false }
        // One capital in a word of letters is its first in any name typed by hand ("Anna", "Kowalski").
        let token = text.tokens[index]
        return token.capitals == 1 && token.digits == 0 && token.letters >= 2 && token.classes.isEmpty
    }
}
