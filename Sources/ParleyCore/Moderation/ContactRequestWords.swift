/// The words `ContactRequestScanner` and `ElsewhereInvitationScanner` read a request for contact by, in
/// English, German, French, Spanish, Italian, Dutch, Polish, Portuguese and Turkish. They are asked only
/// about the few words around a contact noun or a calling verb, so they are compared by spelling rather than
/// given word classes of their own.
enum ContactRequestWords {
    /// "your", "ur", "deine", "Ihre", "ton", "votre", "tu", "su", "tuo", "je", "uw", "twój", "teu", "senin":
    /// the other person's.
    static let yours: [StaticString] = [
        "your", "ur", "yr", "ya", "u", "tu", "tus", "su", "ton", "ta", "tes", "votre", "deine", "dein", "deinen",
        "deiner", "ihre", "ihren", "tuo", "tua", "vostro", "vostra", "seu", "sua", "teu", "je", "jouw",
        "uw", "twój", "twoj", "twoja", "twoją", "twoje", "twojego", "swój", "swoj", "swoja", "swoją",
        "swoje", "swojego", "senin",
    ]

    /// A verb asking to be handed something, in any form that can ask: "give", "send", "pass", "leave",
    /// "gib", "schickst", "donner", "envoie", "pásame", "dejas", "lasci", "mandi", "geef", "stuur", "podaj",
    /// "passa", "deixa".
    static let givingVerbs: [StaticString] = [
        // English
        "give", "gimme", "share", "leave", "pass", "tell", "send", "drop", "dm", "text", "forward",
        // German
        "gib", "gibst", "gebt", "geben", "sende", "sendest", "senden", "schick", "schicke", "schickst",
        "schicken", "schickt", "lass", "hinterlass", "sag", "sagst", "nenn", "nenne", "verrat",
        // French
        "donne", "donnes", "donnez", "donner", "envoie", "envoies", "envoyer", "envoyez", "laisse", "laisses",
        "laisser", "laissez", "passe", "passes", "passez", "file", "files", "filer", "dis", "dites",
        "communique", "communiquer",
        // Spanish
        "dame", "das", "dar", "darme", "pásame", "pasame", "pasas", "pasar", "pasarme", "déjame", "dejame",
        "dejas", "dejar", "dejarme", "envíame", "enviame", "envías", "envias", "enviarme", "mándame", "mandas",
        "mandarme", "dime", "decirme", "compartes", "comparte",
        // Italian
        "dammi", "dai", "darmi", "passami", "passi", "passarmi", "lasciami", "lasci", "lasciarmi", "mandi",
        "mandarmi", "inviami", "invii", "inviarmi", "dimmi", "dirmi",
        // Dutch
        "geef", "geeft", "stuur", "stuurt", "app", "sms",
        // Polish
        "podaj", "podasz", "daj", "dasz", "podeślij", "podeslij", "wyślij", "wyslij", "wyślesz", "wyslesz",
        "prześlij", "przeslij", "zostaw", "zostawisz", "napisz", "dać", "dac", "podać", "podac", "wysłać",
        "wyslac", "przesłać", "przeslac", "zostawić", "zostawic",
        // Portuguese
        "passa", "passe", "passar", "manda", "mande", "mandar", "envia", "envie", "deixa", "deixe", "deixar",
        "dá", "da", "dê",
    ]

    /// French verbs with "me" elided onto them, which ask on their own: "tu peux m'envoyer ton mail".
    static let elidedGivingVerbs: [StaticString] = [
        "menvoyer", "menvoie", "menvoies", "menvoyez", "minvii", "minviare",
    ]

    /// Verbs that close a German or Dutch request after the noun: "kannst du mir deine Nummer geben?", "kun
    /// je me je nummer sturen?", "kan ik je nummer krijgen?".
    static let closingVerbs: [StaticString] = [
        "geben", "schicken", "senden", "sagen", "verraten", "nennen", "mitteilen", "haben",
        "bekommen", "geven", "sturen", "doorsturen", "krijgen", "hebben", "zeggen",
    ]

    /// "can", "kannst", "peux", "puedes", "puoi", "kun", "możesz", "podes": asking whether one may be given.
    static let modals: [StaticString] = [
        "can", "could", "would", "will", "kannst", "könntest", "konntest", "können", "konnen", "könnten",
        "peux", "pourrais", "pouvez", "pourriez", "puedes", "podrías", "podrias", "puede", "puoi", "potresti",
        "può", "puo", "kun", "kunt", "kan", "zou", "możesz", "mozesz", "możecie", "pode", "podes", "podia",
        "poderia",
    ]

    /// Words that may follow the noun while the request goes on: "your number so I can call", "tu numero
    /// che ti chiamo", "ton mail et je t'envoie", "deine Nummer, dann ruf ich an".
    static let followers: [StaticString] = [
        "che", "que", "qui", "ke", "dass", "dat", "et", "e", "y", "und", "en", "i", "ve", "bo", "żeby", "zeby",
        "if", "wenn", "si", "se", "quando", "cuando", "quand", "wann", "als", "dann", "then", "instead",
        "again", "asap", "aussi", "auch", "tambien", "también", "anche", "ook", "też", "tez", "stp", "pf",
        "pfv", "pfvr", "grazie", "gracias", "merci", "danke", "thanks", "thx",
    ]

    /// Nouns for a phone that ask for its number when said with "your": "your mobile", "tu móvil", "il tuo
    /// cellulare", "ton portable", "je gsm". Not "phone" or "Handy", which name the device for sale too.
    static let phoneNouns: [StaticString] = [
        "mobile", "mob", "cell", "cel", "móvil", "movil", "celular", "cellulare", "portable", "gsm", "mobiel",
        "tel", "tlf", "teléfono", "telefono", "téléphone", "telephone", "telefone", "telemóvel", "telemovel",
        "telefon", "komórka", "komorka", "komórkę", "komorke", "komórki", "komorki", "whatsapp",
    ]

    /// "contact", "contatto", "Kontakt", "coordonnées": the other person's contact said in one word.
    static let contactNouns: [StaticString] = [
        "contact", "contacto", "contatto", "contato", "kontakt", "kontaktu", "coordonnées", "coordonnees",
        "contactgegevens", "kontaktdaten", "contatti", "contactos", "contatos", "kontakty",
    ]

    /// Words that finish a contact noun: "email address", "correo electrónico", "contact details".
    static let nounTails: [StaticString] = [
        "address", "adresse", "adres", "adresi", "electrónico", "electronico", "elettronica", "électronique",
        "electronique", "eletrônico", "eletronico", "details", "info", "infos", "gegevens", "daten",
    ]

    /// Words that open a contact noun: "adresse mail", "indirizzo email", "dirección de correo".
    static let nounHeads: [StaticString] = [
        "adresse", "address", "indirizzo", "dirección", "direccion", "endereço", "endereco", "adres",
    ]

    /// Question words: "what's your", "wie ist deine", "quel est ton", "cuál es tu", "qual è il tuo",
    /// "wat is je", "jaki jest twój".
    static let questions: [StaticString] = [
        "whats", "what", "wats", "wat", "was", "wie", "quel", "quelle", "qual", "quale", "cuál", "cual",
        "jaki", "jaka", "jakie",
    ]

    /// Invitations to reach the writer outside the chat: "email me instead", "call me directly", "appelle-moi
    /// plutôt", "bel me liever".
    static let rather: [StaticString] = [
        "instead", "directly", "rather", "plutôt", "plutot", "directement", "mejor", "directamente",
        "piuttosto", "direttamente", "liever", "direct", "stattdessen", "lieber", "direkt", "bezpośrednio",
        "bezposrednio", "raczej", "diretamente",
    ]

    /// Whether word `index` of `text` is one of `words`.
    static func contains(_ words: [StaticString], _ text: ContactDetailText, _ index: Int) -> Bool {
        text.keyIsOne(of: words, at: index)
    }
}
