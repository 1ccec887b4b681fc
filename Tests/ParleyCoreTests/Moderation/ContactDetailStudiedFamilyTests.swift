import Testing

@testable import ParleyCore

/// Evasion families found by studying blind-b and blind-2 and widened to other languages: each test covers a
/// family, with the everyday text it must leave alone.
@Suite("Contact detail families from the studied sets")
struct ContactDetailStudiedFamilyTests {
    let detector = ContactDetailDetector()

    func flags(_ text: String) -> Bool {
        !detector.spans(in: text).isEmpty
    }

    @Test func numbersDictatedInPiecesMayMixWordsAndDigits() {
        #expect(flags("call me on seven one eight, then 2 2 0, and finally 4 5 1 9"))
        #expect(flags("reach me: zero four double one, treble seven, 2 oh 9"))
        #expect(flags("llámame mañana: 6 cero 0, 11 22 33"))
        #expect(flags("my number = 07 + 723 + 448 + 019, just join them"))
        #expect(flags("reach me at +1.646.555.0142 weekdays"))
        #expect(flags("my digits r 2 1 3 - 5 5 5 - 0 1 8 8 lol"))
        for text in [
            "price is 1500 + 200 shipping + 150 insurance", "I'll be there at 7, then 8, then 9 if needed",
            "it's 38, 40, 42 and 44 in stock", "he sold me three for twenty, then four more, then six",
            "version 2.1.3.4455 firmware", "tallas: treinta y seis, treinta y ocho, cuarenta, cuarenta y dos",
        ] {
            #expect(!flags(text), "\(text)")
        }
    }

    @Test func digitWordsInMoreLanguagesAreDigits() {
        #expect(flags("bellen: nul zes, twaalf, vierendertig, zesenvijftig, achtenzeventig"))
        #expect(flags("zadzwoń: sześć zero jeden, 447, 298"))
        #expect(flags("ara beni: sıfır beş üç iki, yedi sekiz dokuz, bir iki"))
        #expect(flags("ligue: nove um dois, três quatro cinco, seis sete oito nove"))
        #expect(flags("ruf an: null eins sieben sechs, dreiundzwanzig, fünfundvierzig, achtundsechzig"))
        #expect(!flags("drie stoelen en een tafel voor 85 euro"))
        #expect(!flags("I used it once, twice maybe"))
    }

    @Test func messengersNamedByNicknameOrIconAreMessengers() {
        #expect(flags("hit me up on whats"))
        #expect(flags("agrégame al whats y te paso más fotos"))
        #expect(flags("lets continue on the green app"))
        #expect(flags("sn4p: m4rc0_v"))
        #expect(flags("find me on the gram"))
        #expect(!flags("depends on what's in stock"))
        #expect(!flags("I'm on the green sofa in the photo"))
        #expect(!flags("500 gram bag of coffee"))
    }

    @Test func proposingAMessengerIsAnInvitation() {
        #expect(flags("W4tsApp is faster 4 me, u got it?"))
        #expect(flags("prefer whatsapp, faster"))
        #expect(flags("whatsapp only pls"))
        #expect(flags("as-tu whatsapp ?"))
        #expect(flags("bana whatsapptan yaz"))
        #expect(!flags("Telegram is better than WhatsApp imo"))
        #expect(!flags("seen on Instagram only"))
        #expect(!flags("I prefer Instagram for browsing furniture"))
    }

    @Test func accountsGivenByNameAreHandles() {
        #expect(flags("signal me — username is dmitri.42"))
        #expect(flags("find me on gmail, username jhernandez1987"))
        #expect(flags("same name as here on insta"))
        #expect(flags("tg: joeyb"))
        #expect(flags("add me: oakcraft_uk"))
        #expect(!flags("is your whatsapp the same as your number?"))
        #expect(!flags("username and password for the router are on the sticker"))
        #expect(!flags("thanks @john_s for the tip"))
    }

    @Test func addressesSpelledOutInMoreLanguagesAreFound() {
        #expect(flags("napisz na maila: tomek.w małpa wp kropka pl"))
        #expect(flags("ali nokta veli at gmail nokta com"))
        #expect(flags("send pics to thecamerashed at g mail"))
        #expect(flags("drop me an email, its ben.carter and its a gmail one"))
        #expect(flags("h t t p s : / / ferrari-parts-direct . it"))
        #expect(flags("type tinyurl then slash cheapsofa99 in your browser"))
        #expect(flags("all the pics are on my site: vintagevault dot shop"))
        #expect(!flags("je suis chez moi ce soir"))
        #expect(!flags("Orange point de vente à Lyon"))
        #expect(!flags("polka dot dress, size 10"))
    }
}
