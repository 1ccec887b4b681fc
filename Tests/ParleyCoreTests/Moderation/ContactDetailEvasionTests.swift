import Testing

@testable import ParleyCore

/// Evasion families found by reading a second, blind-written corpus: each test covers a family, not a line.
@Suite("Contact detail evasions")
struct ContactDetailEvasionTests {
    let detector = ContactDetailDetector()

    func found(_ text: String) -> [String] {
        detector.spans(in: text).map { "\(text[$0.range])|\($0.kind.rawValue)" }
    }

    func flags(_ text: String) -> Bool {
        !detector.spans(in: text).isEmpty
    }

    @Test func teensTensAndHundredsSaidInWordsAreDigits() {
        #expect(flags("ring oh one six one, double four, nine hundred, five five two"))
        #expect(flags("mobile: twenty one, forty five, sixty seven, eighty nine, ninety"))
        #expect(flags("llámame: seis uno dos, treinta y cuatro, cincuenta y seis, setenta y ocho"))
        #expect(
            flags("appelle-moi au zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit"))
        for text in [
            "Paid five hundred for it two years ago", "Mileage is one hundred and twenty thousand",
            "Selling twenty one records, forty five rpm singles", "Price: twenty five, firm",
        ] {
            #expect(!flags(text), "\(text)")
        }
    }

    @Test func aNumberGivenInPiecesIsOneNumber() {
        #expect(flags("start with 0161, the rest is 496 0000"))
        #expect(flags("ring 0791 then 123 then 4567"))
        #expect(flags("text 0151…234…56789"))
        #expect(flags("nine one seven... 5 5 5... 0 1 2 3 call me"))
        for text in [
            "+44 7700 900123 after six", "rooms 101, 102 then 205", "between 0800 and 1800 mon-fri",
            "We open at 0900 then close at 1730 and reopen 1900", "order 0151 then 234 56789 shipped",
            "Delivery within 3...5 days",
        ] {
            #expect(found(text).allSatisfy { !$0.contains("after") && !$0.contains("then") }, "\(text)")
        }
        #expect(!flags("We open at 0900 then close at 1730 and reopen 1900"))
        #expect(!flags("order 0151 then 234 56789 shipped"))
    }

    @Test func lettersDrawnLikeDigitsInsideANumberAreDigits() {
        #expect(found("phone 7I8 5S5 0l23") == ["7I8 5S5 0l23|phone"])
        #expect(!flags("Batch 22B07 114 best before"))
        #expect(!flags("Part number 8K0 615 301 A"))
    }

    @Test func addressPunctuationInsideSpacedOutLettersIsRead() {
        #expect(
            found("mail: p e t e . m o s s @ g m x . d e") == ["p e t e . m o s s @ g m x . d e|email"])
        #expect(flags("site w w w . b i k e s . n l"))
        #expect(!flags("sizes S - M - L available"))
    }

    @Test func paddingAroundSpelledOutMarkersIsIgnored() {
        #expect(flags("it's lena_k + at + proton + dot + me"))
        #expect(flags("tim -at- yahoo -dot- com"))
        #expect(flags("jo*at*gmx*dot*net"))
        #expect(flags("mark@@gmail..com, drop the doubles"))
    }

    @Test func foreignWordsForAtAndDotAreRead() {
        #expect(flags("schreib an lena ät gmx punkt de"))
        #expect(flags("marco chiocciola libero punto it"))
        #expect(flags("Fotos auf meiner Seite: holz-werk punkt de"))
        #expect(flags("mi tienda: bicisur punto es"))
        #expect(!flags("el punto es que no funciona"))
        #expect(!flags("mi punto es otro"))
    }

    @Test func aProviderNameWithoutItsDomainIsAnAddressWhenTheContextSaysSo() {
        #expect(flags("my addy is jenny at hotmail, send the receipt"))
        #expect(flags("reach me: kate at gmail"))
        #expect(flags("my email is katesmith gmail com"))
        #expect(!flags("bought at yahoo auctions"))
        #expect(!flags("My mum works at google"))
        #expect(!flags("I only check my gmail once a week"))
        #expect(!flags("I use gmail com and outlook"))
    }

    @Test func linkShortenersWithTheDotLeftOutAreWebAddresses() {
        #expect(flags("tinyurl com / 9xk2mq"))
        #expect(flags("bit ly 3xKq9Lm"))
        #expect(!flags("can you paypal me the money"))
        #expect(!flags("a bit more than I hoped"))
    }

    @Test func frameworkNamesAreNotWebAddresses() {
        for text in [
            "Also selling my ASP.NET Core book", "built with ADO.NET and VB.NET",
            "Node.js and Vue.js, .NET 8",
        ] {
            #expect(!flags(text), "\(text)")
        }
        #expect(flags("see asp.net/core/docs"))
    }

    @Test func misspelledAndForeignMessengerNamesAreMessengers() {
        for text in [
            "escríbeme por guasap", "hablamos por wsp?", "add me on telly-gram: joe_k", "W4tsApp me",
            "wh@tsapp me", "whats-app me", "sn@p: d4nny.k", "add me on 𝐰𝐡𝐚𝐭𝐬𝐚𝐩𝐩",
            "add me on wh\u{430}tsapp",
            "1nsta: mia.makes",
        ] {
            #expect(flags(text), "\(text)")
        }
        #expect(!flags("sn@p peas and whats-up"))
        #expect(!flags("Я могу позвонить завтра, о цене договоримся"))
    }

    @Test func invitationsToContinueElsewhereInOtherLanguagesAreFound() {
        #expect(flags("On pourrait continuer sur Telegram ?"))
        #expect(flags("on se parle sur whatsapp"))
        #expect(flags("seguimos por telegram mejor"))
        #expect(flags("slide into my dms on insta"))
    }

    @Test func aHandleRightAfterAMessengerOrAfterMyHandleOnIsFound() {
        #expect(flags("add me: snap lily_b2004"))
        #expect(flags("my handle on tiktok is dance_queen"))
        #expect(!flags("whatsapp v2.1 update is out"))
    }

    @Test func aPlainNameAfterAtAddressesSomeoneInTheThread() {
        #expect(!flags("@Marta thanks!"))
        #expect(!flags("@everyone price drop on all lamps"))
        #expect(!flags("Thanks @Tom for the tip"))
        #expect(flags("follow @vintagesam for more"))
        #expect(flags("@sofa_queen on insta"))
        // An "@name" opening the message addresses someone, whatever the name looks like (the labelling
        // convention in docs/moderation.md).
        #expect(!flags("@tina92 hi"))
    }

    @Test func lookalikeDigitsFromOtherScriptsAreDigits() {
        #expect(flags("call ⓪⑦⑦⓪⓪ ⑨⓪⓪①②③"))
        #expect(flags("call 𝟎𝟕𝟕𝟎𝟎 𝟗𝟎𝟎𝟏𝟐𝟑"))
    }
}
