import Foundation
import Testing

@testable import ParleyCore

@Suite("Contact detail detection")
struct ContactDetailDetectorTests {
    let detector = ContactDetailDetector()

    /// The text of each span and its kind, which is what most expectations are about.
    func found(_ text: String) -> [String] {
        detector.spans(in: text).map { "\(text[$0.range])|\($0.kind.rawValue)" }
    }

    func flags(_ text: String) -> Bool {
        !detector.spans(in: text).isEmpty
    }

    @Test func aPhoneNumberWrittenInWordsIsFound() {
        #expect(
            found("my number is four one five five five five zero one three four")
                == ["four one five five five five zero one three four|phone"])
        #expect(found("call four15 555 oh one 34 and ask for Dan") == ["four15 555 oh one 34|phone"])
        #expect(
            found("nine one seven, five five five, zero one two three is my cell")
                == ["nine one seven, five five five, zero one two three|phone"])
        #expect(flags("ruf an: null eins sieben sechs eins zwei drei vier fünf sechs sieben"))
        #expect(flags("seven seven zero zero nine double zero one two three"))
    }

    @Test func spacedOutAndDisguisedDigitsAreFound() {
        #expect(found("ring me 4 1 5 5 5 5 0 1 3 4") == ["4 1 5 5 5 5 0 1 3 4|phone"])
        #expect(found("O7700 9OO123 call me") == ["O7700 9OO123|phone"])
        // Zero-width spaces and fullwidth digits look like nothing or like digits to a reader.
        #expect(found("text 07700\u{200B}900\u{200B}123") == ["07700\u{200B}900\u{200B}123|phone"])
        #expect(flags("call ０７７００ ９００１２３"))
        #expect(flags("call 0️⃣7️⃣7️⃣0️⃣0️⃣ 9️⃣0️⃣0️⃣1️⃣2️⃣3️⃣"))
    }

    @Test func phoneNumbersInLocalAndInternationalFormatsAreFound() {
        for number in [
            "+44 7700 900123", "(415) 555-0134", "0176/1234567", "415.555.0134", "+49-30-1234567",
            "07700900123",
            "+44(0)7700 900654", "0044 7700 900 789", "06 12 34 56 78", "1-800-555-0199",
            "089 / 123 456 78",
        ] {
            #expect(found("reach me on \(number) after six") == ["\(number)|phone"], "\(number)")
        }
        #expect(found("I'm at 555-0134, call if you want") == ["555-0134|phone"])
    }

    @Test func obfuscatedEmailAddressesAreFound() {
        for address in [
            "sarah.jones@gmail.com", "mike.b at gmail dot com", "lena[at]gmx[.]de",
            "tom (at) hotmail (dot) co (dot) uk",
            "jane @ gmail . com", "emma_k {at} icloud {dot} com", "jean.dupont arobase gmail point com",
            "jsmith@gmail",
        ] {
            #expect(found("write to \(address) please") == ["\(address)|email"], "\(address)")
        }
        #expect(found("just email joe at gmail, quicker") == ["joe at gmail|email"])
        #expect(
            found("my address is b r a d @ g m a i l . c o m") == ["b r a d @ g m a i l . c o m|email"])
    }

    @Test func webAddressesWithAndWithoutASchemeAreFound() {
        for address in [
            "mysite dot com", "bit.ly/x", "www.example.org", "https://shop.example.co.uk/item/4471",
            "shop.example.co.uk/item", "vintagebikes(dot)com", "mysite[.]com",
            "www dot retro-audio dot com",
            "kitchenworks.com.au", "HTTPS://BIT.LY/SOFA2",
        ] {
            #expect(found("see \(address) for more") == ["\(address)|web"], "\(address)")
        }
        #expect(
            found("photos: drive.google.com/drive/folders/1AbC.") == [
                "drive.google.com/drive/folders/1AbC|web"
            ])
    }

    @Test func handlesAndInvitationsToOtherMessengersAreFound() {
        #expect(found("WhatsApp me and I'll send a video") == ["WhatsApp me|handle"])
        #expect(found("text me on whatsapp, I'm quicker there") == ["text me on whatsapp|handle"])
        #expect(found("wa.me/447700900123 message me") == ["wa.me/447700900123|handle"])
        #expect(found("join t.me/someone") == ["t.me/someone|handle"])
        #expect(found("I'm @vintagevera on Instagram") == ["I'm @vintagevera on Instagram|handle"])
        #expect(found("find me on telegram @joe_smith") == ["find me on telegram @joe_smith|handle"])
        #expect(found("my insta is joe.smith") == ["my insta is joe.smith|handle"])
        #expect(found("add me on snap") == ["add me on snap|handle"])
        #expect(found("DM me on IG") == ["DM me on IG|handle"])
        #expect(found("do you have viber?") == ["viber|handle"])
        #expect(found("IG: thrift_queen_99") == ["IG: thrift_queen_99|handle"])
        for invitation in [
            "we can talk on signal", "message me on LINE", "my skype is john.doe.sales",
            "find me on facebook messenger",
            "add me on WeChat: liwei_88", "Can we move to WhatsApp?", "Shoot me a WhatsApp",
            "Schreib mir auf WhatsApp",
        ] {
            #expect(flags(invitation), "\(invitation)")
        }
    }

    @Test func pricesAreNotContactDetails() {
        for price in [
            "£1,299.00", "$45", "1.299,00 €", "12k", "1 299 € TTC", "USD 1,049.99", "1,250,000 KRW",
            "1500000 won",
            "ninety five pounds", "around 1000-1200",
        ] {
            #expect(!flags("The price is \(price), final offer"), "\(price)")
        }
    }

    @Test func datesTimesAndMeasurementsAreNotContactDetails() {
        for text in [
            "120 x 60 x 75 cm", "He's 6'2\"", "Collect on 12/03/2025?", "Delivery 2025-03-12", "at 10:30",
            "March 12th",
            "Bought on 03.11.2021", "Collected 2024/11/02", "Tyres 205/55 R16 91V",
            "Mattress 140x200, 22 cm",
            "Monday 9:00-17:00 or Tue 09:00 - 12:00", "Models from 2019 2020 2021", "sizes 8 10 12 14 16",
            "EU 42, jeans 32/34", "I need 250 units", "3-5 business days",
        ] {
            #expect(!flags(text), "\(text)")
        }
    }

    @Test func orderTrackingAndModelNumbersAreNotContactDetails() {
        for text in [
            "Order #A-1029384", "my order 1029384756 still says processing",
            "order number is 4028 1937 5521",
            "USPS tracking 9400 1000 0000 0000 0000 00", "IMEI 356938035643809", "EAN 4006381333931",
            "Bestellnummer 302-1234567-1234567", "Auftragsnummer: 4711 0815 2233", "SM-G991B",
            "iPhone 15 Pro",
            "RTX 4090", "A2338", "Tracking: 1Z999AA10123456784", "Use code SAVE20", "WELCOME10",
            "Firmware v2.1.3",
            "Version 10.0.19045.2965", "IP 192.168.1.1",
        ] {
            #expect(!flags(text), "\(text)")
        }
        #expect(found("Order 1029384756, call 0800 123 4567 for help") == ["0800 123 4567|phone"])
    }

    @Test func fileNamesAndAbbreviationsAreNotDomains() {
        for text in [
            "I sent photo.jpg", "IMG_2034.HEIC", "the manual.pdf", "marks, e.g. near the base",
            "i.e. nothing replaced",
            "approx. 15 years", "approx.2m", "U.S. shipping", "it works fine.no issues", "ok.so when?",
            "Thanks.Will do",
            "v.g.c., no chips", "Ca. 5 J. alt, z.B. Kratzer",
        ] {
            #expect(!flags(text), "\(text)")
        }
    }

    @Test func everydayAtAndDotAreNotAddresses() {
        for text in [
            "I'll be at home", "polka dot dress", "look at the dot pattern", "from the dot com era",
            "bought it at IKEA",
            "bought at yahoo auctions", "available @ 5pm", "2 @ £5 each", "Selling 3 @40 each",
            "meet @ the car park",
            "I got a weird email from someone", "I'll message you here when it's ready",
        ] {
            #expect(!flags(text), "\(text)")
        }
    }

    /// A messenger named without an invitation keeps the conversation here, so it is left alone.
    @Test func aMessengerNamedInPassingIsNotAnInvitation() {
        for text in [
            "Saw your listing shared in a WhatsApp group",
            "My WhatsApp is broken so I'll keep replying here",
            "The phone comes with WhatsApp preinstalled", "Does it have WhatsApp?",
            "I saw it on Instagram",
            "Line up the holes", "Signal strength is great", "It'll snap into place",
            "a vintage telegram from 1945",
        ] {
            #expect(!flags(text), "\(text)")
        }
    }

    @Test func redactionReplacesEachSpanAndKeepsTheRest() {
        #expect(
            detector.redacted("Call 07700 900123 or mail joe@example.com, thanks!")
                == "Call [contact details hidden] or mail [contact details hidden], thanks!")
        #expect(detector.redacted("Grüße 😊 — nothing here, £1,299") == "Grüße 😊 — nothing here, £1,299")
        #expect(detector.redacted("") == "")
        #expect(detector.redacted("07700900123") == ContactDetailDetector.redaction)
    }

    @Test func spansPointAtTheContactInTheOriginalText() {
        let text = "Grüße 👋🏽 aus Köln! Ruf an: +49 (0) 171 2345678 — oder anna.k@gmx.de"
        let spans = detector.spans(in: text)
        #expect(spans.map { String(text[$0.range]) } == ["+49 (0) 171 2345678", "anna.k@gmx.de"])
        #expect(spans.map(\.kind) == [.phone, .email])
        let utf16 = Array(text.utf16)
        let offsets = spans[1].utf16Offsets(in: text)
        #expect(String(decoding: utf16[offsets], as: UTF16.self) == "anna.k@gmx.de")
    }

    @Test func piecesOfOneContactAreMergedAndSpansAreSortedAndDisjoint() {
        let text = "WhatsApp me on +44 7700 900123 or see mysite.com, wa.me/447700900123"
        let spans = detector.spans(in: text)
        #expect(
            spans.map { String(text[$0.range]) }
                == ["WhatsApp me on +44 7700 900123", "mysite.com", "wa.me/447700900123"])
        #expect(spans.map(\.kind) == [.phone, .web, .handle])
        for (earlier, later) in zip(spans, spans.dropFirst()) {
            #expect(earlier.range.upperBound < later.range.lowerBound)
        }
    }

    @Test func emptyAndHugeTextsAreHandled() {
        #expect(detector.spans(in: "").isEmpty)
        #expect(detector.spans(in: " \n\t ").isEmpty)
        #expect(detector.spans(in: "@").isEmpty)
        #expect(detector.spans(in: "+").isEmpty)
        #expect(detector.spans(in: "(").isEmpty)
        #expect(!detector.spans(in: "\u{301}\u{200B}\u{FEFF}é👍🏽🇩🇪").contains { $0.kind == .email })
        let hostile = [
            String(repeating: "1 ", count: 50_000), String(repeating: "dot ", count: 25_000),
            String(repeating: "a.", count: 50_000),
            String(repeating: "x at gmail dot com ", count: 5_000),
            String(repeating: "(", count: 100_000), String(repeating: "@a", count: 50_000),
            String(repeating: "0", count: 100_000), String(repeating: "four ", count: 20_000),
            String(repeating: "whatsapp me on ", count: 7_000), String(repeating: "9.", count: 50_000),
            String(repeating: "x.com/", count: 16_000), String(repeating: "a b ", count: 25_000),
            String(repeating: "👍🏽 1 ", count: 10_000), String(repeating: "my insta is @", count: 8_000),
            String(repeating: "a-", count: 50_000), String(repeating: "1-", count: 50_000),
            String(repeating: "a.b@", count: 25_000), String(repeating: "s . ", count: 25_000),
            String(repeating: "sn@p ", count: 20_000), String(repeating: "+ at + ", count: 14_000),
            String(repeating: "0151 then ", count: 10_000), String(repeating: "@Marta ", count: 14_000),
            String(repeating: "twenty one ", count: 9_000),
            String(repeating: "tinyurl com / ", count: 7_000),
            String(repeating: "a@@b..", count: 16_000),
            String(repeating: "what's your number ", count: 5_000),
            String(repeating: "send me your ", count: 8_000),
            String(repeating: "let's talk outside the ", count: 4_000),
            String(repeating: "1-800-", count: 16_000),
            String(repeating: "visit oakandpine ", count: 6_000),
            String(repeating: "waaaaatsap ", count: 9_000), String(repeating: "@a_1 b ", count: 14_000),
            String(repeating: "beş yüz ", count: 10_000),
            String(repeating: "hotmail is a_b ", count: 6_000),
            String(repeating: "gib mir mal deine ", count: 5_500),
            String(repeating: "kannst du mir deine Nummer geben ", count: 3_000),
            String(repeating: "su artigianatoluca.it ", count: 4_500),
            String(repeating: "negozio punto it [punto] ", count: 4_000),
            String(repeating: "pierre point dupont at free point ", count: 3_000),
            String(repeating: "fb messenger? search Anna Kowalski ", count: 3_000),
            String(repeating: "call me instead ", count: 6_000),
            String(repeating: "mi lasci il tuo contatto adresse mail ", count: 2_700),
            String(repeating: "numaranı mailini instanı ", count: 4_000),
        ]
        let clock = ContinuousClock()
        for text in hostile {
            let elapsed = clock.measure { _ = detector.redacted(text) }
            // Linear work takes milliseconds in a release build and under a second in a debug build
            // on a busy machine; quadratic work on 100,000 characters takes minutes. The bound sits
            // far from both, so that it only fails on the second.
            #expect(elapsed < .seconds(15), "\(text.prefix(20))… took \(elapsed)")
        }
        // Arbitrary scalars from every plane, including combining marks, controls and right-to-left text.
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        var noise = String.UnicodeScalarView()
        for _ in 0..<50_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let pick = UInt32(truncatingIfNeeded: seed >> 33)
            let candidates: [UInt32] = [
                pick % 0x80, 0x300 + pick % 0x70, 0x590 + pick % 0x300, pick % 0x11_0000,
            ]
            if let scalar = Unicode.Scalar(candidates[Int(seed >> 62)]) { noise.append(scalar) }
        }
        let text = String(noise)
        for span in detector.spans(in: text) { #expect(!text[span.range].isEmpty) }
        #expect(detector.redacted(text).count <= text.count * 30)
        let mixed = String(repeating: "Call 07700 900123, mail a@b.com, see x.com! ", count: 2_500)
        #expect(detector.spans(in: mixed).count == 7_500)
    }
}
