/// Finds contact details in chat messages — phone numbers, email addresses, web addresses and messenger
/// handles or invitations — so deals stay on the platform. Stateless and cheap to copy; scan from any thread.
public struct ContactDetailDetector: Sendable {
    /// What `redacted(_:)` puts in place of each contact detail.
    public static let redaction = "[contact details hidden]"

    private let vocabulary: ContactDetailVocabulary

    /// A detector with the built-in vocabulary.
    public init() {
        vocabulary = .shared
    }

    /// The contact details in `text`, in order, never overlapping; pieces of one contact that sit side by
    /// side ("WhatsApp me on +44 7700 900123") come back as one span.
    public func spans(in text: String) -> [ContactDetailSpan] {
        let matches = self.matches(in: text)
        guard !matches.isEmpty else { return [] }
        let utf8 = text.utf8
        return matches.map { match in
            let lower = utf8.index(utf8.startIndex, offsetBy: match.start)
            let upper = utf8.index(lower, offsetBy: match.end - match.start)
            return ContactDetailSpan(range: lower..<upper, kind: match.kind)
        }
    }

    /// `text` with every contact detail replaced by `ContactDetailDetector.redaction`.
    public func redacted(_ text: String) -> String {
        let spans = spans(in: text)
        guard !spans.isEmpty else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var position = text.startIndex
        for span in spans {
            result += text[position..<span.range.lowerBound]
            result += Self.redaction
            position = span.range.upperBound
        }
        result += text[position...]
        return result
    }

    /// Whether `text` holds any contact detail.
    public func containsContactDetails(_ text: String) -> Bool {
        !matches(in: text).isEmpty
    }

    func matches(in text: String) -> [ContactDetailMatch] {
        if let found = text.utf8.withContiguousStorageIfAvailable({ matches(utf8: $0) }) {
            return found
        }
        return Array(text.utf8).withUnsafeBufferPointer { matches(utf8: $0) }
    }

    private func matches(utf8: UnsafeBufferPointer<UInt8>) -> [ContactDetailMatch] {
        guard !utf8.isEmpty else { return [] }
        let text = ContactDetailText(utf8: utf8, vocabulary: vocabulary)
        var matches: [ContactDetailMatch] = []
        PhoneNumberScanner().scan(text, into: &matches)
        EmailAddressScanner().scan(text, into: &matches)
        WebAddressScanner().scan(text, into: &matches)
        MessagingHandleScanner().scan(text, into: &matches)
        AccountNameScanner().scan(text, into: &matches)
        ContactRequestScanner().scan(text, into: &matches)
        OffPlatformInvitationScanner().scan(text, into: &matches)
        ElsewhereInvitationScanner().scan(text, into: &matches)
        ProfileSearchScanner().scan(text, into: &matches)
        return merged(matches, utf8: utf8)
    }

    /// Sorts matches and joins those that overlap or are separated only by punctuation or a linking word
    /// ("on", "at", "is"); a joined span takes the kind of its longest piece.
    private func merged(
        _ matches: [ContactDetailMatch], utf8: UnsafeBufferPointer<UInt8>
    )
        -> [ContactDetailMatch]
    {
        guard matches.count > 1 else { return matches }
        let sorted = matches.sorted { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
        var result: [ContactDetailMatch] = []
        var longest = 0
        for match in sorted {
            let length = match.end - match.start
            if var last = result.last,
                match.start <= last.end || isLink(utf8, from: last.end, to: match.start)
            {
                if length > longest {
                    longest = length
                    last.kind = match.kind
                }
                last.end = max(last.end, match.end)
                result[result.count - 1] = last
            } else {
                result.append(match)
                longest = length
            }
        }
        return result
    }

    private func isLink(_ utf8: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        guard end - start <= 8 else { return false }
        var word: [UInt8] = []
        for index in start..<end {
            let byte = utf8[index]
            switch byte {
            case 0x20, 0x09, 0x3A, 0x2D, 0x3D, 0x2F: continue
            case UInt8(ascii: "a")...UInt8(ascii: "z"): word.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): word.append(byte | 0x20)
            default: return false
            }
        }
        switch String(decoding: word, as: UTF8.self) {
        case "", "on", "at", "via", "is", "as", "au", "al", "unter": return true
        default: return false
        }
    }
}
