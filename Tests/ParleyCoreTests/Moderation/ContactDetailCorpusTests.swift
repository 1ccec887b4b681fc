import Foundation
import Testing

@testable import ParleyCore

/// Message-level precision and recall of ``ContactDetailDetector`` on labelled messages, printed on
/// every run. Eight sets, told apart by how much the rules have seen of them (docs/moderation.md):
/// - `contact-details-corpus.jsonl`: the detector author's own, written before the rules; its
///   `holdout` third was not looked at while tuning, but its author wrote the rules too.
/// - `contact-details-blind-a.jsonl`: written by someone who never saw the rules; its misses were
///   then studied and fixed (as families, not lines), so it is no longer blind.
/// - `contact-details-blind-b.jsonl` and `contact-details-blind-2.jsonl`: written the same way and
///   kept sealed until the rules were done; their first measurement (blind-b P 1.000 R 0.878, blind-2
///   P 0.985 R 0.722) was the honest figure. Their misses have since been studied and fixed as families,
///   so they are studied sets now, like blind-a.
/// - `contact-details-blind-3.jsonl`: 300 messages by a third writer who saw neither the rules nor
///   the other sets, kept outside the project until the rules above were done and measured once
///   (P 0.985 R 0.914): the honest figure (docs/moderation.md). Its misses have since been studied and
///   fixed as families too, so it is a studied set now.
/// - `contact-details-blind-4.jsonl`: 300 messages by a fourth writer, measured once with the rules as
///   they were (P 0.978 R 0.918), the honest figure; studied since, like blind-3. The next honest
///   figure needs a new sealed set.
/// - `contact-details-blind-5.jsonl`: 300 messages by a fifth writer told the labelling conventions,
///   measured once with the rules as they were (P 1.000 R 0.890), the honest figure; studied since.
/// - `contact-details-blind-6.jsonl`: 300 messages by a sixth writer told the same conventions, sealed
///   until blind-5's study was done and measured once (P 0.993 R 0.959): the latest honest figure, the
///   first to meet the goal. Its misses are listed by the tests and in the docs; not studied yet.
/// Lines that asked for the other person's number, email or messenger, or named a big retailer's domain
/// in passing, were relabelled to the project's labelling convention (docs/moderation.md).
@Suite("Contact details in labelled messages")
struct ContactDetailCorpusTests {
    struct Line: Decodable {
        let text: String
        let contact: Bool
        let kind: String?
        let split: String
    }

    struct Score {
        var truePositives = 0
        var falsePositives = 0
        var falseNegatives = 0
        var trueNegatives = 0
        var misclassified: [String] = []

        var precision: Double {
            truePositives + falsePositives == 0
                ? 1 : Double(truePositives) / Double(truePositives + falsePositives)
        }
        var recall: Double {
            truePositives + falseNegatives == 0
                ? 1 : Double(truePositives) / Double(truePositives + falseNegatives)
        }
        var summary: String {
            String(
                format: "TP %d FP %d FN %d TN %d, precision %.3f, recall %.3f", truePositives,
                falsePositives,
                falseNegatives, trueNegatives, precision, recall)
        }

        mutating func add(_ line: Line, found: Bool) {
            switch (line.contact, found) {
            case (true, true): truePositives += 1
            case (false, false): trueNegatives += 1
            case (false, true):
                falsePositives += 1
                misclassified.append("  false positive: \(line.text)")
            case (true, false):
                falseNegatives += 1
                misclassified.append("  missed \(line.kind ?? ""): \(line.text)")
            }
        }
    }

    static func lines(_ file: String) throws -> [Line] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            file)
        let decoder = JSONDecoder()
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            try decoder.decode(Line.self, from: Data($0.utf8))
        }
    }

    /// Scores per split, printed with the lines it got wrong.
    static func score(_ file: String) throws -> [String: Score] {
        let detector = ContactDetailDetector()
        var scores: [String: Score] = [:]
        for line in try lines(file) {
            scores[line.split, default: Score()].add(
                line, found: detector.containsContactDetails(line.text))
        }
        for (split, score) in scores.sorted(by: { $0.key < $1.key }) {
            print("contact details, \(split): \(score.summary)")
            if !score.misclassified.isEmpty { print(score.misclassified.joined(separator: "\n")) }
        }
        return scores
    }

    @Test func theCorpusIsLabelledAsDocumented() throws {
        let lines = try Self.lines("contact-details-corpus.jsonl")
        #expect(lines.count >= 300)
        let positives = lines.filter(\.contact)
        #expect(Double(positives.count) / Double(lines.count) > 0.4)
        #expect(Set(positives.compactMap(\.kind)) == Set(ContactDetailKind.allCases.map(\.rawValue)))
        #expect(lines.allSatisfy { $0.contact == ($0.kind != nil) })
        #expect(Set(lines.map(\.split)) == ["dev", "holdout"])
        for file in [
            "contact-details-blind-a.jsonl", "contact-details-blind-b.jsonl",
            "contact-details-blind-2.jsonl",
            "contact-details-blind-3.jsonl", "contact-details-blind-4.jsonl",
            "contact-details-blind-5.jsonl", "contact-details-blind-6.jsonl",
        ] {
            let blind = try Self.lines(file)
            #expect(blind.count >= 100 && blind.allSatisfy { $0.contact == ($0.kind != nil) }, "\(file)")
        }
    }

    @Test func theProjectCorpusMeetsTheGoal() throws {
        for (split, score) in try Self.score("contact-details-corpus.jsonl") {
            #expect(score.precision >= 0.98, "\(split)")
            #expect(score.recall >= 0.95, "\(split)")
        }
    }

    @Test func theStudiedBlindSetMeetsTheGoal() throws {
        let score = try #require(try Self.score("contact-details-blind-a.jsonl")["blind-a"])
        #expect(score.precision >= 0.98 && score.recall >= 0.95)
    }

    /// blind-b and blind-2 are studied sets now: their misses were fixed as families of evasion, not line
    /// by line, and they are no longer a measure of unseen text. These floors, at the figures after that
    /// study, catch a change that makes the detector worse on them. The misses left in blind-2 are riddles
    /// ("the price of the lamp followed by 555 0148", "kik / line / whatever u use: …"); its line asking
    /// "do you have Telegram?" is labelled contact now, as the labelling convention says.
    @Test func theStudiedBlindSetsDoNotRegress() throws {
        let b = try #require(try Self.score("contact-details-blind-b.jsonl")["blind-b"])
        let second = try #require(try Self.score("contact-details-blind-2.jsonl")["blind-2"])
        #expect(b.precision >= 1.0 && b.recall >= 1.0)
        #expect(second.precision >= 1.0 && second.recall >= 0.977)
    }

    /// blind-3 measured once, sealed, after the rules were finished: precision 0.985, recall 0.914
    /// (the main branch's rules before that work: 0.983 and 0.829). That first measurement is the honest
    /// figure. Its misses and false positives were then studied and fixed as families (1.000 / 1.000
    /// after study), so this floor, at the studied figure, only catches a change that makes it worse.
    @Test func theSealedBlindSetDoesNotFallBelowItsFirstMeasurement() throws {
        let score = try #require(try Self.score("contact-details-blind-3.jsonl")["blind-3"])
        #expect(score.precision >= 1.0 && score.recall >= 1.0)
    }

    /// blind-4 measured once, after blind-3's study was done: precision 0.978, recall 0.918 (TP 134, FP 3,
    /// FN 12, TN 151). That first measurement is the honest figure. Its misses and false positives were
    /// then studied and fixed as families (requests for contact, dotless and country-ending sites,
    /// misspelled messengers, Turkish "yüz", "hotmail is …", opening @mentions), reaching 1.000 / 1.000,
    /// so this floor, at the studied figure, only catches a change that makes it worse.
    @Test func theFourthBlindSetDoesNotFallBelowItsStudiedFigure() throws {
        let score = try #require(try Self.score("contact-details-blind-4.jsonl")["blind-4"])
        #expect(score.precision >= 0.978 && score.recall >= 0.918, "below the first measurement")
        #expect(score.precision >= 1.0 && score.recall >= 1.0)
    }

    /// blind-5 measured once, after blind-4's study was done: precision 1.000, recall 0.890 (TP 129, FP 0,
    /// FN 16, TN 155). That first measurement is the honest figure. Its misses were then studied and fixed
    /// as families (requests for contact in nine languages, invitations to go on elsewhere or to call
    /// instead, sites after a preposition or with a worded dot, fully spelled addresses, profiles looked up
    /// by name), reaching 1.000 / 1.000, so this floor, at the studied figure, only catches a change that
    /// makes it worse.
    @Test func theFifthBlindSetDoesNotFallBelowItsStudiedFigure() throws {
        let score = try #require(try Self.score("contact-details-blind-5.jsonl")["blind-5"])
        #expect(score.precision >= 1.0 && score.recall >= 0.890, "below the first measurement")
        #expect(score.precision >= 1.0 && score.recall >= 1.0)
    }

    /// blind-6 measured once, sealed, after blind-5's study was done (commit 84eb33f): precision 0.993,
    /// recall 0.959 (TP 141, FP 1, FN 6, TN 152), both within the issue's goal. The floor holds that
    /// first measurement; once its misses are studied it rises to the studied figure like the others.
    @Test func theSixthBlindSetDoesNotFallBelowItsFirstMeasurement() throws {
        let score = try #require(try Self.score("contact-details-blind-6.jsonl")["blind-6"])
        #expect(score.truePositives >= 141 && score.falsePositives <= 1, "below the first measurement")
        #expect(score.precision >= 0.98 && score.recall >= 0.95)
    }
}
