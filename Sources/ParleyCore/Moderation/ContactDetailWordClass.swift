/// The parts a folded word can play for the scanners; one word may play several ("text" is a verb and a
/// phone cue, "id" names a handle and an order).
struct ContactDetailWordClass: OptionSet, Sendable {
    let rawValue: UInt64

    static let digit = Self(rawValue: 1 << 0)
    static let weakZero = Self(rawValue: 1 << 1)
    static let multiplier = Self(rawValue: 1 << 2)
    static let plus = Self(rawValue: 1 << 3)
    static let idContext = Self(rawValue: 1 << 4)
    static let phoneContext = Self(rawValue: 1 << 5)
    static let numberNoun = Self(rawValue: 1 << 6)
    static let possessive = Self(rawValue: 1 << 7)
    static let currency = Self(rawValue: 1 << 8)
    static let unit = Self(rawValue: 1 << 9)
    static let contactVerb = Self(rawValue: 1 << 10)
    static let movementVerb = Self(rawValue: 1 << 11)
    static let objectPronoun = Self(rawValue: 1 << 12)
    static let firstPerson = Self(rawValue: 1 << 13)
    static let preposition = Self(rawValue: 1 << 14)
    static let towards = Self(rawValue: 1 << 15)
    static let article = Self(rawValue: 1 << 16)
    static let platform = Self(rawValue: 1 << 17)
    static let weakPlatform = Self(rawValue: 1 << 18)
    static let handleNoun = Self(rawValue: 1 << 19)
    static let copula = Self(rawValue: 1 << 20)
    static let commonWord = Self(rawValue: 1 << 21)
    static let atWord = Self(rawValue: 1 << 22)
    static let dotWord = Self(rawValue: 1 << 23)
    static let foreignDotWord = Self(rawValue: 1 << 24)
    static let slashWord = Self(rawValue: 1 << 25)
    static let tld = Self(rawValue: 1 << 26)
    static let wordlikeTLD = Self(rawValue: 1 << 27)
    static let spokenTLD = Self(rawValue: 1 << 28)
    static let genericTLD = Self(rawValue: 1 << 29)
    static let emailProvider = Self(rawValue: 1 << 30)
    static let mailbox = Self(rawValue: 1 << 31)
    static let scheme = Self(rawValue: 1 << 32)
    static let www = Self(rawValue: 1 << 33)
    static let shortener = Self(rawValue: 1 << 34)
    static let messagingHost = Self(rawValue: 1 << 35)
    static let possessionQuestion = Self(rawValue: 1 << 36)
    static let secondPerson = Self(rawValue: 1 << 37)
    static let whats = Self(rawValue: 1 << 39)
    static let app = Self(rawValue: 1 << 40)
    static let mailVerb = Self(rawValue: 1 << 41)
    /// "eleven" to "nineteen", "twenty" to "ninety": two digits said as one word.
    static let twoDigitNumber = Self(rawValue: 1 << 42)
    /// "twenty", "forty": a tens word that a following single digit word completes ("twenty one").
    static let tens = Self(rawValue: 1 << 43)
    /// "hundred": two zeros said as a word ("nine hundred").
    static let hundred = Self(rawValue: 1 << 44)
    /// "sześćset", "quinientos", "zeshonderd": a digit and two zeros said as one word, which a following tens
    /// or digit word completes ("sześćset dwa" is 602).
    static let hundreds = Self(rawValue: 1 << 58)
    /// Words that join the parts of a number given in pieces: "then", "and", "second bit is".
    static let numberJoiner = Self(rawValue: 1 << 45)
    /// Programming frameworks whose names look like domains ("ASP.NET", "Node.js").
    static let techName = Self(rawValue: 1 << 46)
    /// Mail providers that are not also everyday words, so "kate at gmail" needs no other cue.
    static let distinctiveProvider = Self(rawValue: 1 << 47)

    /// "green", "blue", "ghost": a messenger's icon, which "the green app" names.
    static let iconColour = Self(rawValue: 1 << 48)
    /// "faster", "easier": "WhatsApp is easier" proposes moving there.
    static let comparative = Self(rawValue: 1 << 49)
    /// "same", as in "same name as here".
    static let same = Self(rawValue: 1 << 50)
    /// "username", "handle", "nick": nouns that only name an account.
    static let strongHandleNoun = Self(rawValue: 1 << 51)

    /// A contact verb that follows the messenger it invites to ("whatsapptan yaz").
    static let trailingContactVerb = Self(rawValue: 1 << 52)

    /// The second half of a service name split by a space ("g mail", "insta gram").
    static let namePart = Self(rawValue: 1 << 53)

    /// "prefer", "rather": a wish to talk somewhere else.
    static let preference = Self(rawValue: 1 << 54)
    /// "only", "nur": "WhatsApp only" names the one way to reach the writer.
    static let only = Self(rawValue: 1 << 55)

    /// "once", "elf", "seize": numbers that are everyday words in another language.
    static let everydayNumber = Self(rawValue: 1 << 56)

    /// "thanks", "hi": words that address someone in the thread ("thanks @john_s").
    static let greeting = Self(rawValue: 1 << 57)

    /// "spaces", "Leerzeichen", "espacios": what "no spaces" tells a reader to leave out of a name.
    static let spaceNoun = Self(rawValue: 1 << 59)
    /// "no", "without", "ohne", "sin": the word before "spaces" in "no spaces".
    static let without = Self(rawValue: 1 << 60)
    /// "together", "zusammengeschrieben", "attaccato": "all together" says to join what was given in parts.
    static let together = Self(rawValue: 1 << 61)
    /// "as", "als", "jako", "under": "find me as vintage.vera" names the account to look for.
    static let asName = Self(rawValue: 1 << 62)
    /// "findest", "trouves", "znajdziesz": "find" said to the reader, which "findest du mich als …" asks.
    static let findVerb = Self(rawValue: 1 << 38)
    /// "just", "even", "mal": small words that may stand inside an invitation ("stuur me even een appje").
    static let filler = Self(rawValue: 1 << 63)

    /// A spelled-out "at" or "dot" in any language.
    static let spelledMarker: Self = [.atWord, .dotWord, .foreignDotWord]
    /// A messenger or mail service, which people break up with symbols ("sn@p", "e-mail").
    static let serviceName: Self = [.platform, .weakPlatform, .emailProvider, .mailbox]
}
