import Testing

@testable import ParleyCore

/// Evasion families found by studying blind-b, blind-2, blind-3, blind-4 and blind-5 and widened to other languages:
/// each test covers a family, with the everyday text it must leave alone.
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
            "price is 1500 + 200 shipping + 150 insurance",
            "I'll be there at 7, then 8, then 9 if needed",
            "it's 38, 40, 42 and 44 in stock", "he sold me three for twenty, then four more, then six",
            "version 2.1.3.4455 firmware",
            "tallas: treinta y seis, treinta y ocho, cuarenta, cuarenta y dos",
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

    // MARK: Families from blind-3, and gaps found by probing beyond it

    @Test func figuresInGroupsAfterAPhoneWordAreANumber() {
        #expect(flags("telefon: 500-600-700, po 18"))
        #expect(flags("mi número 700 800 900, llámame"))
        #expect(flags("612 345 678 por las tardes"))
        #expect(flags("numer 731-204-556"))
        for text in [
            "it costs 600-700-800 depending on size", "prices: 100 200 300 400", "ceny: 200 300 400 zł",
            "650 → 600 → 550 → 500, last offer", "sizes 110 116 122 for kids", "512 256 128 GB options",
        ] {
            #expect(!flags(text), "\(text)")
        }
    }

    @Test func hundredsSaidAsOneWordAreThreeDigits() {
        #expect(flags("numer: pięćset dwadzieścia, siedemset trzy, osiemset czterdzieści jeden"))
        #expect(flags("llama al seiscientos doce, trescientos cuarenta, quinientos sesenta"))
        #expect(flags("chiamami: trecento quaranta, seicento dodici, novecento uno"))
        for text in [
            "sześćset złotych, ostatnia cena",
            "trzysta pięćdziesiąt zł, dwieście za sam stół, sto za krzesła",
            "seiscientos cincuenta euros y trescientos por el envío",
            "cinquecento, seicento o settecento euro",
            "zeshonderd euro en driehonderd voor de kast",
        ] {
            #expect(!flags(text), "\(text)")
        }
    }

    @Test func aDictatedNumberIsNoCaseOrPartNumber() {
        #expect(
            flags("just in case the chat fails: oh seven nine one one, two three four, five six seven"))
        #expect(flags("part one is 0151, part two 234 and the last part 56789"))
        #expect(flags("im Fall der Fälle: null eins sieben zwei, drei vier fünf, sechs sieben acht"))
        #expect(!flags("case number four five six seven eight nine one"))
        #expect(!flags("in case it matters, order 4500123456"))
        #expect(!flags("part 4 of 6, item 2291034"))
    }

    @Test func digitWordsAndMultipliersInsideDigitsAreDigits() {
        #expect(flags("ring 07nine00 8double11 456"))
        #expect(flags("0six1two 345triple7"))
        #expect(!flags("triple7 slot machine, 2double bed"))
    }

    @Test func aForeignDotInBracketsJoinsAnAddress() {
        #expect(flags("mail an a.schulz (at) gmx (punkt) net"))
        #expect(flags("scrivi a luca.b [chiocciola] libero [punto] it"))
        #expect(flags("napisz: ola.k (małpa) onet (kropka) pl"))
        #expect(flags("anna.m(a)web.de"))
        #expect(!flags("Treffpunkt (Punkt) 12 Uhr am Bahnhof"))
        #expect(!flags("option (a) or (b), size M"))
    }

    @Test func aLinkShortenerSplitByASpaceIsOneName() {
        #expect(flags("tiny url / oakbench22"))
        #expect(flags("go to tiny url slash vintage-lamps"))
        #expect(!flags("a tiny url bar scratch, barely visible"))
    }

    @Test func messengersNamedByTheirIconOrAsTheOtherAppAreMessengers() {
        #expect(flags("write me on the paper plane app"))
        #expect(flags("lets move to the purple app"))
        #expect(flags("schreib mir auf der anderen App"))
        #expect(flags("let's continue on the other app"))
        #expect(!flags("the other app charges more fees"))
        #expect(!flags("it comes with the paper plane toy"))
        #expect(!flags("the purple one is sold, the app shows it"))
    }

    @Test func anAtNameAfterAnInvitationIsAHandle() {
        #expect(flags("add me on the blue app, @oakcraft"))
        #expect(flags("message me there, @lenka.vintage"))
        #expect(!flags("@Marta the size is fine, thanks"))
        #expect(!flags("the size is fine @john, see you"))
    }

    @Test func findMeAsWorksInEveryWordOrder() {
        #expect(flags("auf TikTok findet ihr mich als kerzen_manufaktur"))
        #expect(flags("tu me trouves sur insta sous atelier.bois"))
        #expect(flags("me encuentras como ceramica_luz"))
        #expect(flags("je vindt me op insta als houtwerk_nl"))
        #expect(flags("znajdziesz mnie jako stare_meble"))
        #expect(!flags("findest du mich am Stand 42 in Halle 3"))
        #expect(!flags("me encuentras en la tienda de 10 a 14"))
        #expect(!flags("tu me trouves au marché le samedi"))
    }

    @Test func theSameAccountNameAsHereIsAHandle() {
        #expect(flags("same username as here"))
        #expect(flags("gleicher Benutzername wie hier"))
        #expect(flags("zelfde naam als hier op insta"))
        #expect(flags("stesso nome utente di qui su telegram"))
        #expect(!flags("same size as here? 42"))
        #expect(!flags("it's the same username as before, just reset the password"))
        #expect(!flags("the seller name is the same as here"))
    }

    @Test func beingToldToJoinANameSpellsAnAccount() {
        #expect(flags("hotmail: anna berg 77, no spaces"))
        #expect(flags("mein Insta ist der Shopname ohne Leerzeichen"))
        #expect(flags("telegram: ana sofia ruiz, todo junto"))
        #expect(!flags("no spaces in the parking lot, come by bus"))
        #expect(!flags("all together it's 45 euros with shipping"))
        #expect(!flags("No spaces after the comma in the engraving, please"))
    }

    @Test func orderNumbersInMoreLanguagesAreNotPhoneNumbers() {
        for text in [
            "Numer przesyłki 2024/10/88123", "siparişim 3 gündür gelmedi, kargo takip no 1234567890",
            "numero d'ordine 4578123690", "bestelling 4578123690 is nog niet binnen",
            "fattura 4578123690",
            "dell'ordine 4500123456 non ho notizie", "código de rastreio 4578123690",
            "art.nr 07_700_900_123",
            "2024-03-00912 is the ticket",
        ] {
            #expect(!flags(text), "\(text)")
        }
        #expect(flags("numaram 0532 123 45 67"))
    }

    @Test func messengerNamesKeepTheirMeaningWithEndingsAndElisions() {
        #expect(flags("telegram'dan yaz bana"))
        #expect(flags("bana instadan ulaş"))
        #expect(flags("whatsapp üzerinden yaz"))
        #expect(flags("instagram'ın var mı?"))
        #expect(flags("mon insta c'est bois_et_fer"))
        #expect(flags("il mio ig è ceramiche.luz"))
        #expect(!flags("instagramda gördüm, hala satılık mı?"))
        #expect(!flags("c'est d'accord pour 45 € ?"))
        #expect(!flags("whatsapp's new update broke my phone"))
    }

    @Test func dutchAppenIsWritingOnWhatsApp() {
        #expect(flags("stuur me even een appje"))
        #expect(flags("app me maar"))
        #expect(!flags("app me and my wife use is great"))
        #expect(!flags("stuur me even de maten"))
    }

    @Test func drawnSeparatorsAndSpelledNamesAreRead() {
        #expect(flags("0 6 1 2 🔸 3 4 5 🔸 6 7 8"))
        #expect(flags("06_1234_5678"))
        #expect(flags("w.h.a.t.s.a.p.p me"))
        #expect(flags("t-e-l-e-g-r-a-m: ivan_p"))
        #expect(flags("oakbench·com"))
        #expect(flags("0.6.1.2.3.4.5.6.7.8"))
        for text in [
            "e.g. S-M-L-X-L", "u.s.a. import", "s.i.g.n.a.l cable for the tv",
            "• price 45 • size M • color blue",
            "12 🔸 14 🔸 16 🔸 18 sizes", "firmware 1.0.2.3", "0.5 0.7 0.9 mm leads",
        ] {
            #expect(!flags(text), "\(text)")
        }
    }

    @Test func askingOrProposingWithoutTheUsualWordsIsAnInvitation() {
        #expect(flags("do u use signal"))
        #expect(flags("u on snap?"))
        #expect(flags("only whatsapp"))
        #expect(flags("nur Telegram bitte"))
        #expect(flags("WA me"))
        #expect(flags("me manda um zap"))
        #expect(!flags("why do you have instagram"))
        #expect(!flags("I only use whatsapp for family"))
        #expect(!flags("I'm not on whatsapp anymore"))
        #expect(!flags("send me a signal when ready"))
        #expect(!flags("SC me too lol"))
    }

    @Test func aMadeUpNameBesideAMessengerIsAHandle() {
        #expect(flags("look for oak_and_pine on insta"))
        #expect(flags("ivan.petrov85 on skype"))
        #expect(flags("snap me at lena_b"))
        #expect(flags("IG: @ lena.makes"))
        #expect(!flags("rtx3080 on facebook marketplace for 400"))
        #expect(!flags("posted the iphone13 on instagram yesterday"))
        #expect(!flags("bought @ 499, selling @ 350 on ebay"))
        #expect(!flags("search it on instagram, there are reviews"))
    }

    // MARK: Families from blind-4, and gaps found by probing beyond it

    @Test func askingForTheOtherPersonsContactIsContact() {
        for text in [
            "give me your number pls", "send me ur email and I'll forward the manual", "whats ur insta",
            "can I get your phone number?", "gib mir deine Handynummer", "was ist deine Nummer?",
            "quel est ton numéro de téléphone ?", "dammi il tuo numero", "mi dai il tuo numero?",
            "qual é o seu zap?", "geef me je nummer", "mag ik je nummer?",
            "wyślij mi swój numer telefonu",
            "numaranı verir misin?", "¿me pasas tu correo?", "c'est quoi ton numéro ?",
        ] {
            #expect(flags(text), "\(text)")
        }
        for text in [
            "what's your order number?", "can I get the order email?", "what's your shop's return policy",
            "send me your tracking number", "I got your email, thanks",
            "I got your email confirmation today",
            "please don't ask me for my number", "don't send me your number, keep it here",
            "what's your number one tip for cleaning leather?",
            "is your whatsapp the same as your number?",
            "it was your email that confused me", "podaj numer zamówienia",
            "votre numéro de commande svp",
            "qual è il tuo numero di ordine?", "what's your phone like, any scratches?",
        ] {
            #expect(!flags(text), "\(text)")
        }
    }

    @Test func aSiteIntroducedAsOnesOwnIsAnAddressEvenWithoutItsDot() {
        #expect(flags("visit oakandpine com"))
        #expect(flags("my website is woodturnerjoe com, no dot allowed here"))
        #expect(flags("il mio sito: ceramiche-luz.it"))
        #expect(flags("mein Shop: holzkunst-berlin de"))
        #expect(flags("check my listing on ebay.co.uk"))
        for text in [
            "bought it from ebay.com last year", "same as on ikea.com, just cheaper",
            "the manual is on samsung.com",
            "visita Madrid de noche", "mi tienda es pequeña", "the website is down",
            "visit us any time com",
        ] {
            #expect(!flags(text), "\(text)")
        }
    }

    @Test func polishAndDutchInvitationsNameTheMessengerAfterTheVerb() {
        #expect(flags("pogadajmy na messengerze"))
        #expect(flags("laten we op whatsapp praten"))
        #expect(flags("whatsapptan konuşalım"))
        #expect(!flags("rozmawialiśmy o whatsappie wczoraj"))
        #expect(!flags("op whatsapp staat een foto van de kast"))
    }

    @Test func misspelledAndStretchedMessengerNamesAreMessengers() {
        #expect(flags("whatsaaapp?"))
        #expect(flags("hit me up on telegarm"))
        #expect(flags("add me on instagarm"))
        #expect(flags("snapcht me"))
        #expect(flags("text me on whatsap"))
        #expect(flags("my gmaail is lena_k88"))
        #expect(!flags("the telegram arrived this morning"))
        #expect(!flags("soooo good, thanks"))
        #expect(!flags("watsapp group for the building is noisy"))
    }

    @Test func turkishYuzIsAHundredOnlyInsideANumber() {
        #expect(flags("ara: sıfır beş yüz kırk iki, yüz yirmi iki, otuz üç, yirmi dört"))
        #expect(!flags("yüzü çok güzel, beş yıldız"))
        #expect(!flags("beş yüz lira son fiyat"))
        #expect(!flags("yüz yirmi lira olur mu"))
    }

    @Test func aMailServiceNamedWithTheNameGivenIsAnAddress() {
        #expect(flags("yahoo is kate_m_1990"))
        #expect(flags("gmail: annasmith"))
        #expect(flags("my email is jsmith gmail"))
        #expect(!flags("gmail is down again"))
        #expect(!flags("my email is on gmail"))
        #expect(!flags("hotmail is slow today, sorry for the delay"))
    }

    @Test func anAtNameOpeningTheMessageAddressesSomeone() {
        #expect(!flags("@kasia_22 sure, saturday works"))
        #expect(!flags("@Tom.B thanks, I'll check the size"))
        #expect(flags("@mia_makes dm me"))
        #expect(flags("@lena.vintage on insta"))
        #expect(flags("@oakcraft_uk"))
    }

    @Test func theOneWayOrAnotherPlaceIsAnInvitation() {
        #expect(flags("WA only"))
        #expect(flags("tg only pls"))
        #expect(flags("let's talk outside the app"))
        #expect(flags("contact me off the platform, it's cheaper"))
        #expect(flags("hablemos fuera de la app"))
        #expect(flags("schreib mir außerhalb der Plattform"))
        #expect(flags("call 1-800-FLOWERS today"))
        #expect(flags("1-888-GET-SOFA"))
        for text in [
            "ships to WA only", "the cable is 1 m only", "never pay outside the app",
            "don't talk outside the app",
            "messages outside the app aren't protected", "drop me off at the station",
            "800-WATT microwave",
            "model 1-800-XL",
        ] {
            #expect(!flags(text), "\(text)")
        }
    }

    // MARK: Families from blind-5, widened across the nine languages (none of these lines is from blind-5)

    @Test func requestsForContactAreReadInNineLanguages() {
        for text in [
            // English: give/send/leave/pass/let me have/can I have × your/ur/u × number/cell/mobile/contact
            "send me ur cell", "can I have ur whatsapp?", "may I get your mobile?", "give me u number",
            "leave your contact please", "let me have your number", "whats ur mobile", "what is your cell?",
            // German: gib/schick/kannst du mir … geben × deine/Ihre × Nummer/Handynummer/E-Mail-Adresse
            "schick mir mal deine Handynummer", "gib mir bitte deine E-Mail",
            "können Sie mir Ihre E-Mail-Adresse senden?", "wie ist deine Handynummer?",
            "kannst du mir deine Nummer schicken?", "was ist Ihre Telefonnummer?",
            // French: donne/envoie/laisse/passe × ton/votre × numéro/portable/adresse mail/contact
            "peux-tu me donner ton numéro de portable ?", "tu peux m'envoyer ton adresse mail ?",
            "laisse-moi ton numéro et je te rappelle", "vous pouvez me donner votre numéro ?",
            "tu me passes ton numéro ?", "donne-moi ton contact",
            // Spanish: pasas/das/dejas/darme × tu × número/móvil/celular/correo electrónico/contacto
            "¿me pasas tu móvil?", "¿me dejas tu celular?", "¿puedes darme tu email?",
            "¿me puedes pasar tu número de móvil?", "déjame tu contacto", "¿me mandas tu correo electrónico?",
            // Italian: mandi/lasci/passi/darmi × il tuo/la tua × numero/cellulare/email/contatto
            "mi mandi il tuo numero di cellulare?", "mi lasci il tuo contatto?", "mi passi la tua mail?",
            "puoi darmi la tua email?", "mandami il tuo numero che ti richiamo",
            "qual è il tuo indirizzo email?",
            // Dutch: geef/stuur/mag ik/kun je … geven × je/jouw × nummer/telefoonnummer/mailadres
            "geef me je telefoonnummer", "stuur me je mailadres", "kun je me je nummer geven?",
            "mag ik je e-mailadres?", "kan ik je nummer krijgen?", "wat is je telefoonnummer?",
            // Polish: podaj/daj/możesz mi dać × swój/twój × numer/mail/kontakt
            "możesz mi dać swój numer?", "podaj mi swój numer komórki", "daj mi swój kontakt",
            "jaki masz numer?",
            // Portuguese: passa/dar/manda × seu/teu × número/celular/email/zap
            "pode me dar seu email?", "qual é o seu celular?", "me manda teu zap",
            // Turkish: numaranı/mailini/instanı × verir misin/atar mısın
            "mailini atar mısın?", "instanı verir misin?",
        ] {
            #expect(flags(text), "\(text)")
        }
        for text in [
            "can you give me your opinion?", "send me your address for delivery", "what's your order number?",
            "your number of items is wrong", "el número de pedido es 4471", "can you send me your invoice?",
            "give me your best price", "tell me your size and colour", "can I have your address for shipping?",
            "donne-moi ton avis", "tu peux me donner ton adresse pour la livraison ?", "laisse-moi ton avis",
            "dame tu mejor precio", "¿me mandas tu dirección de envío?", "dame tu número de talla",
            "dammi il tuo parere", "mi lasci il tuo indirizzo di spedizione?", "dammi il tuo numero di ordine",
            "gib mir deinen besten Preis", "schick mir deine Adresse für den Versand",
            "kannst du mir deine IBAN geben?", "gib mir deine Nummer nicht, bleib hier im Chat",
            "geef me je adres voor de verzending", "kun je me je maten geven?", "mag ik je naam weten?",
            "podaj mi swój adres do wysyłki", "jaki masz rozmiar?", "me passa seu endereço",
            "numaranı kaydettim", "instagramını beğendim", "what is your mobile model?",
            "your mobile is in great shape", "can you leave your contact at the reception desk",
            "send me your contact form", "il tuo cellulare ha graffi?", "ton portable est débloqué ?",
            "ne me donne pas ton numéro", "non darmi il tuo numero", "I saved your number, thanks",
        ] {
            #expect(!flags(text), "\(text)")
        }
    }

    @Test func askingWhetherTheyUseAMessengerInvitesInEveryLanguage() {
        for text in [
            "¿tienes whatsapp?", "hast du Insta?", "tu as snap ?", "hai telegram?", "heb je insta?",
            "masz telegrama?", "tem insta?", "instagramın var mı?", "do u have telegram",
        ] {
            #expect(flags(text), "\(text)")
        }
        for text in [
            "do you have it in red?", "¿tienes más fotos?", "hast du noch die Rechnung?", "hai altre foto?",
            "tem nota fiscal?", "kutusu var mı?", "I don't have whatsapp, sorry",
        ] {
            #expect(!flags(text), "\(text)")
        }
    }

    @Test func invitationsToGoOnElsewhereOrToCallInstead() {
        for text in [
            "zullen we via telegram verder?", "ci sentiamo su telegram?", "whatsapptan yazabilir misiniz?",
            "can u text me instead?", "no, call me instead", "just ring me directly", "appelle-moi plutôt",
            "mejor llámame", "chiamami direttamente", "bel me liever", "ruf mich lieber an",
            "zadzwoń do mnie bezpośrednio",
        ] {
            #expect(flags(text), "\(text)")
        }
        for text in [
            "text me here instead", "don't call me directly, use the chat", "call me back when you can",
            "email me the invoice instead of posting it", "you can message me directly here",
            "reply to me directly in this chat",
        ] {
            #expect(!flags(text), "\(text)")
        }
    }

    @Test func aSiteAfterAPrepositionOrWithAWordedDotIsAnAddress() {
        for text in [
            "tutto su legnoantico.it, spedizione inclusa", "tout est sur maisonbleue.fr",
            "todo en zapatosluna.es", "alles op fietsenwinkel.nl", "wszystko na sklepmeble.pl",
            "tudo em lojadamaria.com.br", "ordina dal sito: ceramichebianchi [punto] it", "negozio punto it",
            "tiendaluna punto pt", "mebleklasyczne kropka pl", "boutiquebleue point fr",
        ] {
            #expect(flags(text), "\(text)")
        }
        for text in [
            "on sunday.no problem", "see you on sunday.it was fun", "bought on amazon.it last year",
            "I got it from amazon.it", "meet me at the station.it is near", "the point is valid", "punto it",
        ] {
            #expect(!flags(text), "\(text)")
        }
    }

    @Test func anAddressWithEveryDotSpelledOutIsAnAddress() {
        #expect(flags("mon adresse c'est marie point leroux at free point fr"))
        #expect(flags("julia punkt meyer at web punkt de"))
        #expect(!flags("good point at last point"))
        #expect(!flags("that point at home point blank"))
    }

    @Test func aProfileToLookUpByNameOnAMessengerIsContact() {
        #expect(flags("facebook? search Marta Nowak"))
        #expect(flags("on insta search for Julie Martin"))
        #expect(flags("fb: szukaj Anna Kowalska"))
        #expect(!flags("I saw it on facebook, search Google Images for it"))
        #expect(!flags("search it on instagram"))
        #expect(!flags("instagram is down. search Anna Smith"))
    }
}
