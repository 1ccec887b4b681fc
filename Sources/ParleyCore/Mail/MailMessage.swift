import Foundation

/// One mail with a plain-text and an HTML version of the same content, checked when made so
/// that ``rendered()`` cannot fail and no header can be smuggled in through a value.
public struct MailMessage: Sendable, Equatable {
    public let from: MailAddress
    public let to: [MailAddress]
    /// Any Unicode text on one line; written as encoded words when it is not short plain ASCII.
    public let subject: String
    public let textBody: String
    public let htmlBody: String
    /// `left@right`, without angle brackets. The caller chooses it (from what the mail is about),
    /// so that sending the same mail again after a crash gives receivers the same message.
    public let messageID: String
    public let date: Date
    /// Further headers, written after the standard ones in this order.
    public let headers: [MailHeader]

    /// Headers the message writes itself, that ``headers`` may not repeat.
    static let ownHeaderNames: Set<String> = [
        "from", "to", "cc", "bcc", "subject", "date", "message-id", "mime-version", "content-type",
        "content-transfer-encoding",
    ]

    /// - Parameter messageID: with or without the surrounding angle brackets.
    public init(
        from: MailAddress, to: [MailAddress], subject: String, textBody: String, htmlBody: String,
        messageID: String, date: Date = Date(), headers: [MailHeader] = []
    ) throws(MailMessageError) {
        guard !to.isEmpty else { throw .noRecipient }
        guard !subject.unicodeScalars.contains(where: MailAddress.isControl), subject.utf8.count <= 900 else {
            throw .invalidHeader(name: "Subject")
        }
        var id = messageID
        if id.hasPrefix("<"), id.hasSuffix(">") { id = String(id.dropFirst().dropLast()) }
        let idBytes = Array(id.utf8)
        guard idBytes.count <= 250, idBytes.allSatisfy({ (0x21...0x7E).contains($0) }),
            !id.contains("<"), !id.contains(">"), let at = id.firstIndex(of: "@"),
            at != id.startIndex, id.index(after: at) != id.endIndex, id.filter({ $0 == "@" }).count == 1
        else { throw .invalidMessageID }
        if let repeated = headers.first(where: { Self.ownHeaderNames.contains($0.name.lowercased()) }) {
            throw .invalidHeader(name: repeated.name)
        }
        self.from = from
        self.to = to
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.messageID = id
        self.date = date
        self.headers = headers
    }

    /// Convenience for one recipient.
    public init(
        from: MailAddress, to: MailAddress, subject: String, textBody: String, htmlBody: String,
        messageID: String, date: Date = Date(), headers: [MailHeader] = []
    ) throws(MailMessageError) {
        try self.init(
            from: from, to: [to], subject: subject, textBody: textBody, htmlBody: htmlBody, messageID: messageID,
            date: date, headers: headers)
    }
}
