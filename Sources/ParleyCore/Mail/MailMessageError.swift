/// A mail that cannot be written safely: what is wrong, never the whole message.
public enum MailMessageError: Error, Equatable, CustomStringConvertible {
    /// Not a usable `local@domain`, or a display name with control characters (line breaks included).
    case invalidAddress(String)
    /// A header whose name is not a plain field name, is one the message writes itself, or whose
    /// value holds a line break or another control character.
    case invalidHeader(name: String)
    /// A Message-ID that is not `left@right` in printable ASCII.
    case invalidMessageID
    case noRecipient

    public var description: String {
        switch self {
        case .invalidAddress(let text): "not a usable mail address or name: \(text.debugDescription)"
        case .invalidHeader(let name): "header \(name.debugDescription) cannot be written safely"
        case .invalidMessageID: "a Message-ID must be left@right in printable ASCII, without spaces or brackets"
        case .noRecipient: "a mail needs at least one recipient"
        }
    }
}
