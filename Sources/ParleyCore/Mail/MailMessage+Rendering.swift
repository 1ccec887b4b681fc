import Crypto
import Foundation

extension MailMessage {
    /// The message as RFC 5322 bytes with CRLF line ends: a `multipart/alternative` of the text
    /// and the HTML, both UTF-8 in quoted-printable, so every line is short printable ASCII.
    /// The same message renders to the same bytes.
    public func rendered() -> [UInt8] {
        var lines: [String] = [
            "From: \(Self.mailbox(from))",
            "To: " + to.map(Self.mailbox).joined(separator: ",\r\n "),
            "Subject: \(Self.unstructured(subject))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
        ]
        lines += headers.map { "\($0.name): \($0.value)" }
        lines.append("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"")
        var output = Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
        for (type, body) in [("text/plain", textBody), ("text/html", htmlBody)] {
            output += Array("--\(boundary)\r\n".utf8)
            output += Array("Content-Type: \(type); charset=utf-8\r\n".utf8)
            output += Array("Content-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
            output += QuotedPrintable.encode(body)
        }
        output += Array("--\(boundary)--\r\n".utf8)
        return output
    }

    /// Starts with `=_`, which quoted-printable never writes, so no body line can match it.
    var boundary: String {
        let digest = SHA256.hash(data: Array(messageID.utf8))
        return "=_parley_" + Hex.string(digest.prefix(12))
    }

    /// `name <address>`: the name as it is when it is plain words, quoted when it holds other
    /// ASCII, and in encoded words otherwise.
    static func mailbox(_ mailbox: MailAddress) -> String {
        guard let name = mailbox.displayName else { return mailbox.address }
        let phrase: String
        if name.contains("=?") || name.utf8.count > 60 || !name.unicodeScalars.allSatisfy({ $0.isASCII }) {
            phrase = EncodedWords.encode(name).joined(separator: "\r\n ")
        } else if name.unicodeScalars.allSatisfy(isPhraseCharacter) {
            phrase = name
        } else {
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\")
            phrase = "\"" + escaped.replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return "\(phrase) <\(mailbox.address)>"
    }

    /// Letters, digits, spaces and the symbols RFC 5322 allows in an atom, which need no quotes.
    private static func isPhraseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || "!#$%&'*+-/=?^_`{|}~ ".unicodeScalars.contains(scalar)
    }

    /// Plain when it is short printable ASCII that cannot be mistaken for an encoded word.
    static func unstructured(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) }), !text.contains("=?"),
            text.utf8.count <= 68
        {
            return text
        }
        return EncodedWords.encode(text).joined(separator: "\r\n ")
    }

    /// `Tue, 1 Dec 2026 09:05:00 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func twoDigits(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
        let time = [parts.hour!, parts.minute!, parts.second!].map(twoDigits).joined(separator: ":")
        return "\(weekdays[parts.weekday! - 1]), \(parts.day!) \(months[parts.month! - 1]) \(parts.year!) \(time) +0000"
    }
}
