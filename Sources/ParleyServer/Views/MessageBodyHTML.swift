import ParleyCore

/// A message's text as administrators read it: as written (also when the participants saw it
/// with contact details hidden), escaped, with each detected contact detail marked.
enum MessageBodyHTML {
    static func render(_ message: ChatMessage) -> String {
        let text = message.writtenBody
        guard message.flags.contains(.contactDetails) else { return HTML.escape(text) }
        let spans = ContactDetailDetector().spans(in: text)
        var html = ""
        var position = text.startIndex
        for span in spans {
            html += HTML.escape(String(text[position..<span.range.lowerBound]))
            html += #"<mark class="detected" title="\#(span.kind.rawValue)">"#
            html += HTML.escape(String(text[span.range])) + "</mark>"
            position = span.range.upperBound
        }
        return html + HTML.escape(String(text[position...]))
    }

    /// Short labels for the message's flags, as the admin pages show them beside the text.
    static func labels(_ message: ChatMessage) -> [FlagLabel] {
        var labels: [FlagLabel] = []
        if message.flags.contains(.contactDetails) {
            labels.append(
                FlagLabel(
                    text: message.originalBody == nil ? "contact details" : "contact details hidden from participants",
                    modifier: ""))
        }
        if message.flags.contains(.system) {
            labels.append(FlagLabel(text: "moderator warning", modifier: "flag--system"))
        }
        return labels
    }

    struct FlagLabel {
        let text: String
        let modifier: String
    }
}
