/// One mailbox: an address (`local@domain`, ASCII) with an optional display name.
///
/// Both parts are checked when the value is made, so nothing that reaches a header or an SMTP
/// command can carry a line break or angle brackets of its own.
public struct MailAddress: Sendable, Equatable, CustomStringConvertible {
    /// `local@domain`, as written in `MAIL FROM`, `RCPT TO` and between the angle brackets of a header.
    public let address: String
    /// The name shown by mail programs; any Unicode text without control characters.
    public let displayName: String?

    public init(_ address: String, displayName: String? = nil) throws(MailMessageError) {
        guard Self.isPlausibleAddress(address) else { throw .invalidAddress(address) }
        if let displayName, displayName.unicodeScalars.contains(where: Self.isControl) {
            throw .invalidAddress(displayName)
        }
        self.address = address
        let trimmed = displayName?.trimmingWhitespace()
        self.displayName = trimmed?.isEmpty == true ? nil : trimmed
    }

    /// Reads `Name <local@domain>`, `"Name" <local@domain>` or a bare `local@domain`.
    public static func parse(_ text: String) throws(MailMessageError) -> MailAddress {
        let text = text.trimmingWhitespace()
        guard text.hasSuffix(">"), let open = text.lastIndex(of: "<") else { return try MailAddress(text) }
        let address = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
        var name = String(text[..<open]).trimmingWhitespace()
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
            name = String(name.dropFirst().dropLast()).replacingEscapes()
        }
        return try MailAddress(address, displayName: name.isEmpty ? nil : name)
    }

    /// `Name <local@domain>` as a person would write it (not header-encoded).
    public var description: String {
        displayName.map { "\($0) <\(address)>" } ?? address
    }

    /// The part after the `@`.
    public var domain: Substring {
        address[address.index(after: address.lastIndex(of: "@")!)...]
    }

    /// Printable ASCII without spaces, brackets or quotes, one `@` with something on both sides.
    /// Deliberately simpler than RFC 5321: quoted local parts and address literals are refused.
    static func isPlausibleAddress(_ address: String) -> Bool {
        let forbidden: Set<UInt8> = Array("<>()[]\\,;:\"".utf8).reduce(into: []) { $0.insert($1) }
        let bytes = Array(address.utf8)
        guard bytes.count <= 254, bytes.allSatisfy({ (0x21...0x7E).contains($0) && !forbidden.contains($0) }),
            bytes.filter({ $0 == UInt8(ascii: "@") }).count == 1, let at = bytes.firstIndex(of: UInt8(ascii: "@"))
        else { return false }
        let domain = bytes[(at + 1)...]
        return at > 0 && !domain.isEmpty && domain.first != UInt8(ascii: ".") && domain.last != UInt8(ascii: ".")
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return String(scalars[first...last])
    }

    /// Undoes the backslash escapes of a quoted string (`\"` and `\\`).
    fileprivate func replacingEscapes() -> String {
        var result = ""
        var escaped = false
        for character in self {
            if !escaped, character == "\\" {
                escaped = true
                continue
            }
            escaped = false
            result.append(character)
        }
        return result
    }
}
