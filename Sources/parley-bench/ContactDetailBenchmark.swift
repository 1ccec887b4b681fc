import ArgumentParser
import Foundation
import ParleyCore

/// `parley-bench contact-details`: how long ``ContactDetailDetector`` takes per message of 500
/// characters, in this process (no server), and how it copes with 100,000-character hostile texts.
///
/// The messages are lines of the labelled corpus run together and cut at 500 characters, some
/// opening with German, French or emoji text; each is timed on its own after a warm-up.
struct ContactDetailBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contact-details", abstract: "Time contact-detail detection per 500-character message.")

    @Option(help: "A labelled corpus (JSON lines with a text field).")
    var corpus = "Tests/ParleyCoreTests/Moderation/contact-details-corpus.jsonl"
    @Option(help: "Timed passes over every message.") var rounds = 200

    private struct Line: Decodable { let text: String }

    func run() throws {
        guard let data = FileManager.default.contents(atPath: corpus) else {
            throw ValidationError("cannot read the corpus at \(corpus)")
        }
        let decoder = JSONDecoder()
        let texts = String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? decoder.decode(Line.self, from: Data($0.utf8)).text
        }
        guard !texts.isEmpty else { throw ValidationError("the corpus at \(corpus) holds no lines") }
        let openings = [
            "", "Grüße aus München! Der Schrank ist noch da, Abholung möglich. ", "😊👍🎉 Merci beaucoup, très joli ! ",
            "Größe 42, wie neu, Versand möglich für 4,99 €. ",
        ]
        let messages = stride(from: 0, to: texts.count, by: 3).map { offset in
            Self.message(from: texts, offset: offset, opening: openings[offset % openings.count])
        }
        let detector = ContactDetailDetector()
        var found = 0
        for _ in 0..<20 { for text in messages { found &+= detector.spans(in: text).count } }
        let clock = ContinuousClock()
        var micros: [Double] = []
        micros.reserveCapacity(messages.count * rounds)
        for _ in 0..<rounds {
            for text in messages {
                let start = clock.now
                found &+= detector.spans(in: text).count
                micros.append(Self.microseconds(clock.now - start))
            }
        }
        micros.sort()
        let mean = micros.reduce(0, +) / Double(micros.count)
        print("\(messages.count) messages × \(rounds) rounds, 500 characters each (spans found: \(found))")
        print(
            String(
                format: "per message: mean %.2f µs, p50 %.2f µs, p99 %.2f µs, max %.2f µs", mean,
                micros[micros.count / 2], micros[Int(Double(micros.count - 1) * 0.99)], micros.last ?? 0))
        // Texts built to make a naive scanner go quadratic.
        for (name, unit) in [
            ("digits and spaces", "1 "), ("dots", "dot "), ("labels", "a."), ("paths", "x.com/"),
            ("digit words", "four "), ("at-handles", "@a"), ("invitations", "whatsapp me on "),
            ("hyphenated labels", "a-"), ("digit ranges", "1-"),
        ] {
            let text = String(repeating: unit, count: 100_000 / unit.count)
            let start = clock.now
            found &+= detector.spans(in: text).count
            let milliseconds = String(format: "%.1f", Self.microseconds(clock.now - start) / 1000)
            print("100,000 characters of \(name): \(milliseconds) ms")
        }
    }

    /// Corpus lines from `offset` on, after `opening`, cut at exactly 500 characters.
    static func message(from texts: [String], offset: Int, opening: String) -> String {
        var result = opening
        var index = offset
        while result.count < 500 {
            result += texts[index % texts.count] + " "
            index += 1
        }
        return String(result.prefix(500))
    }

    static func microseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
    }
}
