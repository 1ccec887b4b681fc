/// Every word the scanners react to, looked up by a hash of the folded word so that a message costs one
/// dictionary probe per word however long the lists grow.
struct ContactDetailVocabulary: Sendable {
    /// A word's parts; plain values, so a lookup costs no reference counting.
    struct Entry: Sendable {
        var classes: ContactDetailWordClass
        var digit: Int8
        var hash: UInt64
        var spellingStart: Int
        var spellingCount: Int
    }

    static let shared = ContactDetailVocabulary()

    private var entries: [Entry] = []
    /// Every entry's spelling, back to back.
    private var spellings: [UInt8] = []
    /// Open addressing over `entries` by the words' own FNV hash; -1 marks an empty slot.
    private var slots: [Int32] = []
    private var mask = 0

    /// FNV-1a, computed by the tokenizer as it folds each word, so the lookup needs no second pass.
    static let hashSeed: UInt64 = 0xcbf2_9ce4_8422_2325
    @inline(__always) static func hash(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x100_0000_01b3
    }

    private init() {
        let digitWords: [(Int8, String)] = [
            (0, "zero null nul zéro cero sıfır sifir"), (1, "one eins uno een één jeden jedna um"),
            (2, "two zwei zwo deux dos due twee dwa dwie dois duas iki"),
            (3, "three drei trois tres tre drie trzy três üç"),
            (4, "four vier quatre cuatro quattro quatro cztery dört dort"),
            (5, "five fünf fuenf cinq cinco cinque vijf pięć piec beş"),
            (6, "six sechs seis sei zes sześć szesc altı"),
            (7, "seven sieben sept siete sette zeven siedem sete yedi"),
            (8, "eight acht huit ocho otto osiem oito sekiz"),
            (9, "nine neun neuf nueve nove negen dziewięć dziewiec dokuz"),
        ]
        for (value, words) in digitWords { add(words, .digit, digit: value) }
        add("o oh", [.weakZero], digit: 0)
        // Teens and tens say two digits in one word; the digit kept is the first, which is all the
        // distinct-digit check needs. "once", "elf" and "seize" are left out: they are everyday words too.
        let twoDigitWords: [(Int8, String)] = [
            (
                1,
                """
                ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen dix onze douze
                treize quatorze quinze diez doce trece catorce quince dieciséis dieciseis diecisiete dieciocho
                diecinueve zehn zwölf zwoelf dreizehn vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn dieci
                undici dodici tredici quattordici quindici sedici diciassette diciotto diciannove tien twaalf
                dertien veertien vijftien zestien zeventien achttien negentien dez onze doze treze catorze
                quatorze dezesseis dezessete dezoito dezenove dziesięć dziesiec jedenaście jedenascie dwanaście
                dwanascie trzynaście trzynascie czternaście czternascie piętnaście pietnascie szesnaście
                szesnascie siedemnaście siedemnascie osiemnaście osiemnascie dziewiętnaście dziewietnascie
                """
            ),
            (2, "twenty vingt veinte zwanzig venti twintig vinte yirmi dwadzieścia dwadziescia"),
            (
                3,
                "thirty trente treinta dreißig dreissig trenta dertig trinta otuz trzydzieści trzydziesci"
            ),
            (
                4,
                "forty fourty quarante cuarenta vierzig quaranta veertig quarenta kırk kirk czterdzieści czterdziesci"
            ),
            (
                5,
                "fifty cinquante cincuenta fünfzig fuenfzig cinquanta vijftig cinquenta elli pięćdziesiąt"
            ),
            (6, "sixty soixante sesenta sechzig sessanta zestig sessenta altmış altmis sześćdziesiąt"),
            (7, "seventy setenta siebzig settanta zeventig yetmiş yetmis siedemdziesiąt siedemdziesiat"),
            (8, "eighty ochenta achtzig ottanta tachtig oitenta seksen osiemdziesiąt osiemdziesiat"),
            (9, "ninety noventa neunzig novanta negentig doksan dziewięćdziesiąt dziewiecdziesiat"),
        ]
        for (value, words) in twoDigitWords {
            add(words, value == 1 ? .twoDigitNumber : [.twoDigitNumber, .tens], digit: value)
        }
        add("piecdziesiat", [.twoDigitNumber, .tens], digit: 5)
        add("szescdziesiat", [.twoDigitNumber, .tens], digit: 6)
        addCompoundNumbers()
        add("once elf seize", .everydayNumber, digit: 1)
        add("hundred hundert cien", .hundred)
        // Turkish "yüz" is a hundred and a face: a number only inside a number already said in words.
        add("yüz yuz", [.hundred, .everydayNumber], digit: 1)
        addHundreds()
        add(
            """
            then and und et y e dann puis luego poi next followed by rest second third last part parts
            bit bits half first is ist est es the finally lastly after that afterwards danach ensuite enfin
            después despues dopo infine depois daarna dan en potem ends ending with
            """, .numberJoiner)
        add("double doble doppio doppel dubbel dupla", .multiplier, digit: 2)
        add("triple treble triplo tripla dreifach", .multiplier, digit: 3)
        add("plus", .plus)
        add(
            """
            order orders ordered ref refs reference referenz invoice inv rechnung tracking track trackingnummer
            sendung sendungsnummer bestellung bestellnummer auftrag auftragsnummer kundennummer rechnungsnummer
            artikelnummer model modell sku serial serialnumber seriennummer sn imei ean upc gtin barcode isbn
            vin chassis transaction txn ticket case parcel paket consignment shipment receipt part customer
            account acct iban bic policy booking buchung confirmation claim item items lot lots article artikel
            commande facture pedido factura postcode zip plz postleitzahl id code voucher coupon pin otp batch
            size sizes größe taille talla page pages room rooms bus route flight train gate seat version ver
            firmware fw build patch ios android bios windows macos software release product style qty quantity
            quantities tallas tailles größen groessen maten misure taglie taglia rozmiar rozmiary beden bedenler
            tamanho tamanhos maat zamówienia zamówienie zamowienia zamowienie przesyłki przesylki przesyłka
            przesylka paczki faktury faktura śledzenia sledzenia sipariş siparis siparişim siparisim siparişin
            kargo takip bestelling bestelnummer ordernummer factuur pakket zending volgnummer ordine fattura
            spedizione pacco tracciamento codice envío envio paquete seguimiento referencia encomenda fatura
            rastreio rastreamento código codigo colis suivi référence art artnr
            """, .idContext)
        add(
            """
            call calls calling ring phone tel telephone telefon telefono teléfono téléphone tél mobile mob
            mobil cell cellphone cel celular cellulare handy landline text texts txt sms whatsapp viber dial
            buzz hmu reach contact anrufen ruf rufen rufe portable appelle appelez appeler llama llámame
            llamame chiamami chiama escríbeme escribeme bel fax mobilnummer telefonnummer handynummer rufnummer
            tlf tlfn ph phn imessage facetime whats wa wasap guasap wsp bellen bel belt zadzwoń zadzwon
            dzwoń dzwon telefonu komórka komorka numara ara arayın arayin ligue liga ligar telemóvel telemovel
            chamar telefoonnummer mobielnummer gsmnummer mobiel gsm móvil movil komórkę komorke komórki komorki
            """, .phoneContext)
        add(
            """
            number num numbr nr nummer numéro numero número digits digitos dígitos cijfers numer numara numaram
            numaramı numarami numarası numarasi
            """, .numberNoun)
        add(
            "my mein meine meiner mon ma mi our unser unsere mijn mio mia meu minha mój moj moja moje benim",
            .possessive)
        add(
            """
            eur euro euros usd gbp sek nok dkk chf krw jpy pln czk huf aud cad inr kr pounds pound dollars
            dollar bucks quid yen rupees francs ttc vb ono obo lira tl zł zl złotych zlotych złote zlote reais
            """, .currency)
        add(
            """
            cm mm km kg g lb lbs oz in inch inches ft feet gb tb mb kb mah w kw kwh v hz mhz ghz px dpi ml l x
            pcs pieces units stk stück
            """, .unit)
        add(
            """
            message messages messaging msg text texting txt dm pm inbox add find follow contact reach ping hit
            hmu call ring chat chatting talk talking write send shoot drop join search speak connect catch
            facetime sms email mail continue move switch schreib schreibe schreiben schreibt meld melde melden
            kontaktier kontaktiere kontaktieren schick schicke schicken anrufen ruf écris ecris écrivez ecrivez
            écrire contacte contactez envoie envoyez mándame mandame escríbeme escribeme escríbenos háblame
            hablame escribe contáctame contactame llámame scrivimi scrivi contattami chiamami mandami
            continuer continuons parler parlons parle discuter discutons passer passons hablar hablamos hablemos
            seguir seguimos sigamos pasar pasamos continuar continuamos reden weiterschreiben weiter wechseln
            continuare continuiamo parlare parliamo sentiamoci passiamo dms slide agrégame agregame añádeme
            anademe agrégate agregate ajoute ajoutez ajoutes contacte-moi écrivez-moi aggiungimi scrivetemi
            adicione adiciona chama fala manda escreve escreva napisz napiszcie pisz odezwij dodaj
            stuur appen voeg contacteer yaz ekle holla falar falamos conversar conversamos mande
            porozmawiajmy pogadajmy piszmy napiszmy praten falemos chattiamo sentiamo
            """, .contactVerb)
        add(
            """
            email mail write reply send contact reach schreib schreibe schreiben écris ecris écrivez ecrivez escríbeme
            escribeme escribe scrivimi contacte contactez
            """, .mailVerb)
        add(
            """
            move moving switch switching continue go take come head continuer continuons passer passons pasar
            pasamos seguir seguimos continuar wechseln continuare passiamo
            """, .movementVerb)
        add("me us mir moi mich uns nous comigo mij mnie beni", .objectPronoun)
        add("im lets let vamos zullen", .firstPerson)
        add(
            "on via over through thru auf über ueber bei per sur par por en al na przez op pelo pela nel sul su",
            .preposition)
        add("to zu", .towards)
        add("a an the un una une ein eine einen den die der le la el een um uma", .article)
        add(
            """
            whatsapp whatsap watsapp watsap whatapp whatsupp telegram viber wechat weixin snapchat instagram
            insta instgram skype kik threema facetime imessage tiktok discord messenger facebook fb ig twitter
            reddit linkedin wickr wasap wassap wasapp guasap guassap wsp wpp whatsup whatsaap whtsapp wtsapp
            wtsp watzap telegramm tellygram telegarm telgram tlgrm instagramm snapchatt messengerze
            whatsappie whatsapie wasapie telegramie instagramie insty instagramı whatsapptan whatsappdan
            telegramdan instagramdan whatsappa telegrama messengera instagrama vibera zapzap appje appjes wapp
            whtsp whtsap watsp
            """, .platform)
        add("signal line snap wa tele tg sc gram zap telly linktree", .weakPlatform)
        addInflectedMessengers()
        addMisspelledMessengers()
        // "the green app", "the paper plane app", "the yellow ghost app": messengers named by their icon.
        add(
            """
            green blue grün grune grüne verde vert verte groen zielona yeşil yesil ghost purple lila violet viola
            morado morada paars fioletowa fioletowy mor roxo roxa yellow gelbe jaune amarilla giallo gialla geel
            żółta zolta sarı amarela plane paper papier papel carta samolot samolocik uçak ucak avion avión aereo
            vliegtuigje papierflieger other another andere anderen autre otra otro altra altro inna innej diğer
            diger outro outra
            """, .iconColour)
        add(
            "faster easier quicker simpler better einfacher schneller facile fácil facil rápido rapido",
            .comparative)
        add(
            "same mismo misma même meme gleiche gleichen gleicher selben stesso stessa zelfde mesmo sam sama aynı ayni",
            .same)
        add(
            """
            username usernames user handle nick nickname usuario usuário benutzername pseudo nazwa kullanıcı
            utente utilisateur gebruikersnaam
            """, .strongHandleNoun)
        add("whats", .whats)
        add("app", .app)
        add(
            "id name username user handle account acc profile nick nickname tag number nummer",
            .handleNoun)
        // The second halves of service names people split with a space: "g mail", "insta gram", "snap chat".
        add("mail gram chat book look cloud hoo app sapp tok cord gramm pe ber url", .namePart)
        add(
            """
            thanks thank thx ty cheers hi hey hello danke merci gracias grazie obrigado obrigada bedankt dzięki
            dzieki teşekkürler tesekkurler hola ciao hallo
            """, .greeting)
        add("is ist es est cest è é jest", .copula)
        // "no spaces", "all together", "zusammengeschrieben": told to join what was given in parts.
        add(
            """
            spaces espacios espaces spazi leerzeichen spaties spacji spacje espaços espacos boşluk bosluk
            """, .spaceNoun)
        add("no without sin sans senza ohne zonder bez sem keine", .without)
        add("zusammengeschrieben boşluksuz bosluksuz bitişik bitisik", [.spaceNoun, .without])
        add("together junto juntos attaccato attaccati attaché zusammen elkaar", .together)
        add("as als jako olarak come como sous under unter onder", .asName)
        add(
            """
            findest findet vind vindt trouves trouvez encuentras encontrarás encontraras trovi trovate
            znajdziesz znajdziecie bulabilirsin bulursun encontras
            """, .findVerb)
        // Turkish puts the verb after the messenger: "whatsapptan yaz", "instagramdan ekle".
        add(
            """
            yaz yazın yazin ekle ekleyin ara arayın arayin ulaş ulas ulaşın ulasin konuşalım konusalim yazalım
            yazalim praten chatten kletsen yazar yazarsın yazarsin yazarsınız yazarsiniz yazabilir yazabilirsin
            yazabilirsiniz yazsana yazsanıza yazsaniza ulaşabilir ulasabilir ulaşabilirsin ulasabilirsin arar
            arayabilir arayabilirsin ekler ekleyebilir ekleyebilirsin konuşabiliriz konusabiliriz yazışalım
            yazisalim geçelim gecelim
            """,
            .trailingContactVerb)
        // "whatsapp üzerinden yaz": "over" after the messenger, before the verb.
        add("üzerinden uzerinden", .filler)
        add(
            """
            the a an and or but is are was be been to of in on at for with from by it its this that these those
            i im me my you your we us our he she they them him her his there here home work not no yes so very
            too also still just only same new old broken down dead off full blocked banned hacked gone private
            closed deleted working slow fine ok okay good bad great better easier quicker faster best back up
            now then soon later today tomorrow ready free open public available where what when how why who
            der die das ist und nicht kaputt le la les et pas el los y dont does do did can will would should
            least most all any some one office school least night weekend nope nah yep yeah sure maybe never
            sometimes thanks please pls
            """, .commonWord)
        add(
            "at arobase arroba ät chiocciola klammeraffe aapje snabela małpa malpa apenstaartje chez",
            .atWord)
        add("dot d0t dott period", .dotWord)
        add("point punto punkt ponto punt punktum pkt kropka nokta", .foreignDotWord)
        add("slash", .slashWord)
        add("http https hxxp hxxps", .scheme)
        add("www", .www)
        add(
            "bit tinyurl goo rebrand youtu linktr t wa m ig fb ow buff amzn cutt shorturl tiny rb lnkd paypal vm",
            .shortener)
        add(
            """
            wa t m ig fb telegram instagram facebook snapchat tiktok twitter discord whatsapp signal viber wechat
            kik line
            """, .messagingHost)
        add(
            """
            have got use using hast haben habt hat tienes tiene usas as avez has hab hai avete heb hebt masz macie
            tem
            """, .possessionQuestion)
        // "prefer WhatsApp", "WhatsApp only": the writer would rather talk there.
        add(
            "prefer prefers rather prefiero preferiría préfère prefere preferisco lieber liever wolę",
            .preference)
        add("only solo sólo nur seulement solamente uniquement alleen tylko sadece", .only)
        add("just even mal kurz eben gerne gern juste maar gerust ff effe gewoon", .filler)
        add("you u ya du tu vous usted ihr você voce vc sen siz jij", .secondPerson)
        add(
            """
            gmail googlemail hotmail yahoo outlook icloud gmx protonmail proton aol yandex libero orange msn
            zoho fastmail tutanota posteo freenet arcor wanadoo laposte btinternet virginmedia comcast verizon
            ymail rocketmail wp onet interia seznam tiscali virgilio gmial gmai gmal gamil gnail hotmial hotmal
            hotmai yahho yaho outlok outllok iclod geemail
            """, .emailProvider)
        add(
            """
            email mail emailadresse mailadresse addy correo courriel maila mejl mejla eposta mailadres emailadres
            """, .mailbox)
        // A street address uses these words too, so they only make "kate at gmail" an address.
        add("address adresse adress direccion dirección indirizzo", .mailVerb)
        add(
            """
            gmail googlemail hotmail yahoo icloud gmx protonmail yandex ymail rocketmail btinternet virginmedia
            posteo tutanota interia seznam gmial gmai gamil gnail hotmial hotmal hotmai outlok iclod geemail
            """, .distinctiveProvider)
        add(
            "asp ado vb node vue react next nuxt angular ember express three chart d3 socket backbone svelte deno",
            .techName)
        add("com net org info biz edu gov", [.tld, .genericTLD, .spokenTLD])
        add("io co uk de fr es nl eu au ca ch pl ie", [.tld, .spokenTLD])
        add(
            """
            shop store online site website tech app dev design art blog club live xyz top link space studio cc
            gg se dk fi pt ru cn jp br nz za mx ar cz sk hu ro gr tr il sg hk kr tw ua lu lt lv ee si hr bg rs
            cl ve uy cr vn th pk ng ke eg ae sa qa kw ae nyc london berlin gle page
            """, .tld)
        add(
            """
            it is in me to at be no so us my am as by do go he hi id if la lo ma mo ne nu or pe re sh st tv ly
            gl ai py md zip mov ps cv ad ag al fm im ms vc ws gd tk ml ga cf gq ee gy
            """, [.tld, .wordlikeTLD])
    }

    /// Two-digit numbers said as one word: "vierendertig", "einundzwanzig", "veintidós", "trentotto".
    private mutating func addCompoundNumbers() {
        let dutchUnits = ["een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"]
        let dutchTens = [
            "twintig", "dertig", "veertig", "vijftig", "zestig", "zeventig", "tachtig", "negentig",
        ]
        let germanUnits = ["ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"]
        let germanTens = [
            "zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig", "neunzig",
        ]
        let italianUnits = [
            "uno", "due", "tre", "tré", "quattro", "cinque", "sei", "sette", "otto", "nove",
        ]
        let italianTens = [
            "venti", "trenta", "quaranta", "cinquanta", "sessanta", "settanta", "ottanta", "novanta",
        ]
        for (offset, tens) in dutchTens.enumerated() {
            let digit = Int8(offset + 2)
            for unit in dutchUnits {
                let joint = unit.hasSuffix("e") ? "ën" : "en"
                add(unit + joint + tens + " " + unit + "en" + tens, .twoDigitNumber, digit: digit)
            }
        }
        for (offset, tens) in germanTens.enumerated() {
            for unit in germanUnits { add(unit + "und" + tens, .twoDigitNumber, digit: Int8(offset + 2)) }
        }
        for (offset, tens) in italianTens.enumerated() {
            for unit in italianUnits {
                let elided = unit == "uno" || unit == "otto" ? String(tens.dropLast()) : tens
                add(elided + unit, .twoDigitNumber, digit: Int8(offset + 2))
            }
        }
        add(
            """
            veintiuno veintiún veintidós veintidos veintitrés veintitres veinticuatro veinticinco veintiséis
            veintiseis veintisiete veintiocho veintinueve
            """, .twoDigitNumber, digit: 2)
    }

    /// Messenger names with the endings Turkish and Polish give them: "instadan", "telegramda",
    /// "whatsappie", "instagramie".
    private mutating func addInflectedMessengers() {
        let names = [
            "whatsapp", "watsap", "wasap", "insta", "instagram", "telegram", "snapchat", "facebook",
            "tiktok",
        ]
        let turkish = [
            "dan", "den", "tan", "ten", "da", "de", "ta", "te", "ya", "ye", "ı", "i", "u", "ü", "ın",
            "in",
        ]
        let polish = ["ie", "em", "a", "u", "ku"]
        for name in names {
            for ending in turkish + polish { add(name + ending, .platform) }
        }
        add("messengerem messengerze fejs fejsie fejsa fejsbuk fejsbuku snapie snapa", .platform)
    }

    /// Messenger names typed with one letter dropped or two swapped ("telegrm", "whatsap", "instgarm"):
    /// every such spelling of a long name that is not already a word of ours.
    private mutating func addMisspelledMessengers() {
        for name in [
            "whatsapp", "telegram", "instagram", "snapchat", "facebook", "messenger", "discord",
        ] {
            let letters = Array(name)
            var spellings: [String] = []
            for index in letters.indices {
                var dropped = letters
                dropped.remove(at: index)
                spellings.append(String(dropped))
                guard index + 1 < letters.count, letters[index] != letters[index + 1] else { continue }
                var swapped = letters
                swapped.swapAt(index, index + 1)
                spellings.append(String(swapped))
            }
            for spelling in spellings where !contains(spelling) { add(spelling, .platform) }
        }
    }

    /// Whether `word` is already one of ours.
    private func contains(_ word: String) -> Bool {
        let bytes = Array(word.utf8)
        return bytes.withUnsafeBufferPointer {
            find(hash: bytes.reduce(Self.hashSeed, Self.hash), $0, 0..<bytes.count)
        }
            != nil
    }

    /// A digit and two zeros said as one word: "sześćset", "quinientos", "trecento", "zeshonderd".
    private mutating func addHundreds() {
        let hundreds: [(Int8, String)] = [
            (1, "honderd einhundert sto"),
            (
                2,
                "dwieście dwiescie doscientos doscientas duecento duzentos duzentas zweihundert tweehonderd"
            ),
            (3, "trzysta trescientos trescientas trecento trezentos trezentas dreihundert driehonderd"),
            (
                4,
                "czterysta cuatrocientos cuatrocientas quattrocento quatrocentos quatrocentas vierhundert vierhonderd"
            ),
            (
                5,
                "pięćset piecset quinientos quinientas cinquecento quinhentos quinhentas fünfhundert vijfhonderd"
            ),
            (
                6,
                "sześćset szescset seiscientos seiscientas seicento seiscentos seiscentas sechshundert zeshonderd"
            ),
            (
                7,
                "siedemset setecientos setecientas settecento setecentos setecentas siebenhundert zevenhonderd"
            ),
            (
                8,
                "osiemset ochocientos ochocientas ottocento oitocentos oitocentas achthundert achthonderd"
            ),
            (
                9,
                "dziewięćset dziewiecset novecientos novecientas novecento novecentos novecentas neunhundert"
            ),
        ]
        for (value, words) in hundreds { add(words, .hundreds, digit: value) }
        add("negenhonderd", .hundreds, digit: 9)
    }

    private mutating func add(_ words: String, _ classes: ContactDetailWordClass, digit: Int8 = -1) {
        for word in words.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let bytes = Array(word.utf8)
            if let index = bytes.withUnsafeBufferPointer({
                find(
                    hash: bytes.reduce(Self.hashSeed, Self.hash), $0,
                    0..<bytes.count)
            }) {
                entries[index].classes.formUnion(classes)
                if digit >= 0 { entries[index].digit = digit }
                continue
            }
            entries.append(
                Entry(
                    classes: classes, digit: digit, hash: bytes.reduce(Self.hashSeed, Self.hash),
                    spellingStart: spellings.count, spellingCount: bytes.count))
            spellings.append(contentsOf: bytes)
            if entries.count * 4 > slots.count { rehash() } else { insert(entries.count - 1) }
        }
    }

    private mutating func rehash() {
        slots = Array(repeating: -1, count: max(1024, slots.count * 2))
        mask = slots.count - 1
        for index in entries.indices { insert(index) }
    }

    private mutating func insert(_ index: Int) {
        var slot = Int(truncatingIfNeeded: entries[index].hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(index)
    }

    private func find(hash: UInt64, _ keys: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard !slots.isEmpty else { return nil }
        return slots.withUnsafeBufferPointer { slots in
            entries.withUnsafeBufferPointer { entries in
                spellings.withUnsafeBufferPointer { spellings in
                    var slot = Int(truncatingIfNeeded: hash) & mask
                    while true {
                        let index = Int(slots[slot])
                        if index < 0 { return nil }
                        let entry = entries[index]
                        if entry.hash == hash && entry.spellingCount == range.count {
                            var same = true
                            for offset in 0..<range.count
                            where spellings[entry.spellingStart + offset] != keys[range.lowerBound + offset] {
                                same = false
                                break
                            }
                            if same { return index }
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    /// The entry for the folded word `keys[range]` whose hash is `hash`, if it is one of ours.
    @inline(__always)
    func entry(hash: UInt64, keys: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> Entry? {
        find(hash: hash, keys, range).map { entries[$0] }
    }
}
