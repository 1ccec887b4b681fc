/// Why a mail was not sent, and whether trying again later can help (``isTransient``).
///
/// It carries the server's reply text when there was one; never the credentials, nor the
/// commands that held them.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// The server could not be reached, or the connection ended before the mail was accepted.
        case connectionFailed
        /// Connecting, or waiting for a reply, took longer than the configured time.
        case timedOut
        /// TLS could not be set up: an untrusted certificate, one for another name, no common protocol.
        case tlsFailed
        /// The server answered with this code where another one was needed. 4xx is transient.
        case rejected(code: Int)
        /// The server's reply was not SMTP.
        case malformedReply
        /// The URL has credentials but the connection is not encrypted (no STARTTLS offered) and
        /// not to this machine, so they were not sent.
        case credentialsWouldTravelInClear
        /// The server offers neither AUTH PLAIN nor AUTH LOGIN, or no AUTH at all.
        case noUsableAuthentication
    }

    public let reason: Reason
    /// What the client was waiting for or sending: `connect`, `greeting`, `EHLO`, `STARTTLS`,
    /// `AUTH`, `MAIL FROM`, `RCPT TO`, `DATA`, `message`.
    public let step: String
    /// The server's reply text (without its code), when there was one.
    public let serverReply: String?
    /// A short description of the local error behind ``Reason/connectionFailed`` or ``Reason/tlsFailed``.
    public let detail: String?

    init(_ reason: Reason, step: String, serverReply: String? = nil, detail: String? = nil) {
        self.reason = reason
        self.step = step
        self.serverReply = serverReply
        self.detail = detail
    }

    /// Whether the same mail may go through later: 4xx replies, failed or timed-out connections.
    /// 5xx replies, TLS failures and configuration problems need someone to change something.
    public var isTransient: Bool {
        switch reason {
        case .connectionFailed, .timedOut: true
        case .rejected(let code): (400..<500).contains(code)
        case .tlsFailed, .malformedReply, .credentialsWouldTravelInClear, .noUsableAuthentication: false
        }
    }

    public var description: String {
        var text = "SMTP \(step): "
        switch reason {
        case .connectionFailed: text += "connection failed"
        case .timedOut: text += "timed out"
        case .tlsFailed: text += "TLS failed"
        case .rejected(let code): text += "server answered \(code)"
        case .malformedReply: text += "the reply is not SMTP"
        case .credentialsWouldTravelInClear:
            text += "credentials not sent: the server offers no STARTTLS and is not on this machine"
        case .noUsableAuthentication: text += "the server offers neither AUTH PLAIN nor AUTH LOGIN"
        }
        if let serverReply { text += " (\(serverReply.replacingOccurrences(of: "\n", with: " / ")))" }
        if let detail { text += " (\(detail))" }
        return text + (isTransient ? "; may succeed later" : "")
    }
}
