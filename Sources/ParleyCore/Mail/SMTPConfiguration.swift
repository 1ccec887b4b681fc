import Foundation

/// Where reminder mail goes and how to reach it: `SMTP_URL`, `SMTP_FROM` and `SMTP_CA_FILE`.
///
/// `smtp://user:password@host:port` upgrades to TLS with STARTTLS whenever the server offers it
/// (port 25 unless given); `smtps://` speaks TLS from the first byte (port 465 unless given). User
/// and password are percent-decoded. The password never appears in ``description``.
public struct SMTPConfiguration: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public enum Security: Sendable, Equatable {
        /// Plain TCP, upgraded with STARTTLS when the server's EHLO reply offers it.
        case startTLSWhenOffered
        /// TLS from the start (`smtps://`).
        case implicitTLS
    }

    public var host: String
    public var port: Int
    public var security: Security
    /// The user and password to authenticate with; nil when the URL names no user.
    public var username: String?
    public var password: String?
    /// The sender every mail is written from.
    public var from: MailAddress
    /// A PEM file of trust roots added to the system's (`SMTP_CA_FILE`); the server's name is
    /// verified against its certificate either way.
    public var extraTrustRootsFile: String?
    /// The name this client gives in EHLO; the sender's domain unless set.
    public var clientName: String
    public var connectTimeout: Duration = .seconds(10)
    /// How long any one reply (the greeting included) may take.
    public var replyTimeout: Duration = .seconds(30)

    public init(
        host: String, port: Int, security: Security, username: String? = nil, password: String? = nil,
        from: MailAddress, extraTrustRootsFile: String? = nil
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.from = from
        self.extraTrustRootsFile = extraTrustRootsFile
        self.clientName = String(from.domain)
    }

    /// Reads `SMTP_URL`, `SMTP_FROM` and `SMTP_CA_FILE`: nil without `SMTP_URL` (no mail is sent);
    /// throws ``ConfigurationProblems`` naming each variable that is set but unusable.
    public static func fromEnvironment(_ environment: [String: String]) throws -> SMTPConfiguration? {
        guard let url = environment["SMTP_URL"], !url.isEmpty else { return nil }
        var problems: [ConfigurationError] = []
        var server: (host: String, port: Int, security: Security, username: String?, password: String?)?
        do {
            server = try parseURL(url)
        } catch {
            problems.append(error)
        }
        var from: MailAddress?
        if let text = environment["SMTP_FROM"], !text.isEmpty {
            from = try? MailAddress.parse(text)
            if from == nil {
                problems.append(
                    .invalid(name: "SMTP_FROM", reason: "expected Name <local@domain> or local@domain, got \"\(text)\"")
                )
            }
        } else {
            problems.append(
                .invalid(name: "SMTP_FROM", reason: "required with SMTP_URL: the address mail is sent from"))
        }
        let caFile = environment["SMTP_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            problems.append(.invalid(name: "SMTP_CA_FILE", reason: "cannot read \"\(caFile)\""))
        }
        guard problems.isEmpty, let server, let from else { throw ConfigurationProblems(problems: problems) }
        return SMTPConfiguration(
            host: server.host, port: server.port, security: server.security, username: server.username,
            password: server.password, from: from, extraTrustRootsFile: caFile)
    }

    /// Splits `smtp[s]://[user[:password]@]host[:port]`. Problems never quote the URL, which may hold a password.
    static func parseURL(
        _ url: String
    ) throws(ConfigurationError)
        -> (host: String, port: Int, security: Security, username: String?, password: String?)
    {
        func invalid(_ reason: String) -> ConfigurationError { .invalid(name: "SMTP_URL", reason: reason) }
        guard let components = URLComponents(string: url) else {
            throw invalid("expected smtp://user:password@host:port or smtps://…, and could not read it as a URL")
        }
        let security: Security
        let defaultPort: Int
        switch components.scheme?.lowercased() {
        case "smtp": (security, defaultPort) = (.startTLSWhenOffered, 25)
        case "smtps": (security, defaultPort) = (.implicitTLS, 465)
        default: throw invalid("expected the scheme smtp:// (STARTTLS when offered) or smtps:// (TLS)")
        }
        var host = components.percentEncodedHost ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        host = host.removingPercentEncoding ?? host
        guard !host.isEmpty else { throw invalid("no host: expected smtp://host:port") }
        if let port = components.port, !(1...65_535).contains(port) {
            throw invalid("expected a port in 1...65535")
        }
        guard components.percentEncodedPath.isEmpty || components.percentEncodedPath == "/",
            components.percentEncodedQuery == nil, components.percentEncodedFragment == nil
        else { throw invalid("expected nothing after host:port") }
        let username = components.percentEncodedUser.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding }
        if components.percentEncodedUser?.isEmpty == false, username == nil {
            throw invalid("the user is not correctly percent-encoded")
        }
        var password: String?
        if username != nil {
            guard let decoded = (components.percentEncodedPassword ?? "").removingPercentEncoding else {
                throw invalid("the password is not correctly percent-encoded")
            }
            password = decoded
        }
        return (host, components.port ?? defaultPort, security, username, password)
    }

    public var debugDescription: String { description }

    /// What `dump` and debuggers show: everything but the password.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": host, "port": port, "security": security, "username": username as Any,
                "password": password == nil ? "nil" : "***", "from": from,
                "extraTrustRootsFile": extraTrustRootsFile as Any,
            ])
    }

    /// The URL with `***` in place of the password, and the sender: safe to log.
    public var description: String {
        let scheme = security == .implicitTLS ? "smtps" : "smtp"
        let user = username.map { "\($0)\(password == nil ? "" : ":***")@" } ?? ""
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(user)\(shownHost):\(port) from \(from)"
    }
}
