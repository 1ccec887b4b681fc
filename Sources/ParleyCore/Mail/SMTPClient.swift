import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Sends mail to the server of an ``SMTPConfiguration``, one fresh connection per mail.
///
/// The dialog: greeting, EHLO (HELO when EHLO is refused), STARTTLS when offered on `smtp://`
/// (then EHLO again), AUTH PLAIN or LOGIN when the URL has credentials, MAIL FROM, RCPT TO for
/// each recipient, DATA, QUIT. Credentials are sent only over TLS or to this machine.
public struct SMTPClient: Sendable {
    public let configuration: SMTPConfiguration
    private let group: any EventLoopGroup
    private let tlsContext: NIOSSLContext
    private let logger: Logger

    /// Throws when the trust roots (the system's, and `SMTP_CA_FILE`) cannot be loaded.
    public init(
        configuration: SMTPConfiguration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "parley.mail")
    ) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        tls.minimumTLSVersion = .tlsv12
        if let file = configuration.extraTrustRootsFile { tls.additionalTrustRoots = [.file(file)] }
        self.tlsContext = try NIOSSLContext(configuration: tls)
        self.configuration = configuration
        self.group = eventLoopGroup
        self.logger = logger
    }

    /// Delivers `message` to the server, or throws an ``SMTPError`` that says whether a later
    /// attempt with the same message may succeed. Returns once the server accepted the DATA.
    public func send(_ message: MailMessage) async throws(SMTPError) {
        let channel = try await connect()
        let configuration = self.configuration
        let tlsContext = self.tlsContext
        do {
            try await channel.executeThenClose { inbound, outbound in
                var session = SMTPSession(
                    channel: channel.channel, lines: inbound.makeAsyncIterator(), outbound: outbound,
                    replyTimeout: configuration.replyTimeout, isEncrypted: configuration.security == .implicitTLS)
                try await Self.deliver(message, in: &session, configuration: configuration, tlsContext: tlsContext)
            }
        } catch {
            throw SMTPSession.translate(error, step: "message")
        }
        logger.debug(
            "Mail accepted by the SMTP server",
            metadata: ["message_id": "\(message.messageID)", "smtp_host": "\(configuration.host)"])
    }

    private func connect() async throws(SMTPError) -> NIOAsyncChannel<String, ByteBuffer> {
        let tlsContext = configuration.security == .implicitTLS ? self.tlsContext : nil
        let serverHostname = Self.serverHostname(configuration.host)
        do {
            return try await ClientBootstrap(group: group)
                .connectTimeout(TimeAmount(configuration.connectTimeout))
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tlsContext {
                            let handler = try NIOSSLClientHandler(context: tlsContext, serverHostname: serverHostname)
                            try channel.pipeline.syncOperations.addHandler(handler)
                        }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                        return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SMTPSession.translate(error, step: "connect")
        }
    }

    private static func deliver(
        _ message: MailMessage, in session: inout SMTPSession, configuration: SMTPConfiguration,
        tlsContext: NIOSSLContext
    ) async throws(SMTPError) {
        _ = try await session.readReply(step: "greeting", expecting: [220])
        var extensions = try await hello(in: &session, configuration: configuration)
        if configuration.security == .startTLSWhenOffered, extensions["STARTTLS"] != nil {
            _ = try await session.send("STARTTLS", shownAs: "STARTTLS", expecting: [220])
            try await session.startTLS(context: tlsContext, serverHostname: serverHostname(configuration.host))
            extensions = try await hello(in: &session, configuration: configuration)
        }
        if let username = configuration.username {
            guard session.isEncrypted || session.isLoopback else {
                throw SMTPError(.credentialsWouldTravelInClear, step: "AUTH")
            }
            try await authenticate(
                in: &session, username: username, password: configuration.password ?? "",
                mechanisms: Set(extensions["AUTH"] ?? []))
        }
        _ = try await session.send(
            "MAIL FROM:<\(message.from.address)>", shownAs: "MAIL FROM", expecting: [250])
        for recipient in message.to {
            _ = try await session.send("RCPT TO:<\(recipient.address)>", shownAs: "RCPT TO", expecting: [250, 251])
        }
        _ = try await session.send("DATA", shownAs: "DATA", expecting: [354])
        try await session.write(dotStuffed(message.rendered()) + Array(".\r\n".utf8), step: "message")
        _ = try await session.readReply(step: "message", expecting: [250])
        // The mail is accepted: a failed goodbye changes nothing.
        _ = try? await session.send("QUIT", shownAs: "QUIT")
    }

    /// EHLO, or HELO when the server refuses it; returns the extensions by keyword (upper case),
    /// each with its parameters (AUTH's mechanisms in upper case).
    private static func hello(
        in session: inout SMTPSession, configuration: SMTPConfiguration
    ) async throws(SMTPError) -> [String: [String]] {
        let reply = try await session.send("EHLO \(configuration.clientName)", shownAs: "EHLO")
        if reply.code == 250 {
            var extensions: [String: [String]] = [:]
            for line in reply.lines.dropFirst() {
                let words = line.split(separator: " ").map { String($0).uppercased() }
                guard var keyword = words.first else { continue }
                var parameters = Array(words.dropFirst())
                // Some servers still announce AUTH=LOGIN, the form of a draft before RFC 2554.
                if keyword.hasPrefix("AUTH=") {
                    parameters.insert(String(keyword.dropFirst(5)), at: 0)
                    keyword = "AUTH"
                }
                extensions[keyword, default: []] += parameters
            }
            return extensions
        }
        guard (500..<600).contains(reply.code) else {
            throw SMTPError(.rejected(code: reply.code), step: "EHLO", serverReply: reply.text)
        }
        _ = try await session.send("HELO \(configuration.clientName)", shownAs: "HELO", expecting: [250])
        return [:]
    }

    /// AUTH PLAIN, or AUTH LOGIN when the server offers only that.
    private static func authenticate(
        in session: inout SMTPSession, username: String, password: String, mechanisms: Set<String>
    ) async throws(SMTPError) {
        func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        if mechanisms.contains("PLAIN") {
            let response = base64("\u{0}\(username)\u{0}\(password)")
            _ = try await session.send("AUTH PLAIN \(response)", shownAs: "AUTH PLAIN", expecting: [235])
        } else if mechanisms.contains("LOGIN") {
            _ = try await session.send("AUTH LOGIN", shownAs: "AUTH LOGIN", expecting: [334])
            _ = try await session.send(base64(username), shownAs: "AUTH LOGIN", expecting: [334])
            _ = try await session.send(base64(password), shownAs: "AUTH LOGIN", expecting: [235])
        } else {
            throw SMTPError(
                .noUsableAuthentication, step: "AUTH", serverReply: mechanisms.sorted().joined(separator: " "))
        }
    }

    /// The message with a `.` added before every line that starts with one (RFC 5321 §4.5.2),
    /// ending with CRLF, so the server cannot take a line of its own for the end of the data.
    static func dotStuffed(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 64)
        var atLineStart = true
        for byte in bytes {
            if atLineStart, byte == UInt8(ascii: ".") { output.append(UInt8(ascii: ".")) }
            output.append(byte)
            atLineStart = byte == 10
        }
        if !atLineStart { output += [13, 10] }
        return output
    }

    /// The name sent for SNI and checked against the certificate; nil for an IP address, whose
    /// certificate is then checked against the address itself.
    static func serverHostname(_ host: String) -> String? {
        let isIPv4 =
            host.split(separator: ".", omittingEmptySubsequences: false).count == 4
            && host.allSatisfy { $0.isNumber || $0 == "." }
        return isIPv4 || host.contains(":") ? nil : host
    }
}
