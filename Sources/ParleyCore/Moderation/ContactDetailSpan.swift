/// One contact detail found in a message: where it is in the text that was scanned, and what it is.
public struct ContactDetailSpan: Sendable, Equatable {
    /// The contact detail's position in the scanned text; meaningless for any other string.
    public let range: Range<String.Index>
    /// What sort of contact detail it is.
    public let kind: ContactDetailKind

    /// A span over `range` of the scanned text.
    public init(range: Range<String.Index>, kind: ContactDetailKind) {
        self.range = range
        self.kind = kind
    }

    /// The span as UTF-16 offsets into `text` (the text that was scanned), which is what browsers count in
    /// when highlighting.
    public func utf16Offsets(in text: String) -> Range<Int> {
        let lower = text.utf16.distance(from: text.startIndex, to: range.lowerBound)
        return lower..<(lower + text.utf16.distance(from: range.lowerBound, to: range.upperBound))
    }
}
