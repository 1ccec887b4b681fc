import NIOCore
import NIOSSL

/// The dialog on one open connection: commands written in turn, each reply read against a
/// deadline that closes the connection when it passes.
struct SMTPSession {
    let channel: any Channel
    var lines: NIOAsyncChannelInboundStream<String>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let replyTimeout: Duration
    /// Whether what is written now is encrypted (implicit TLS, or after STARTTLS).
    var isEncrypted: Bool

    /// Writes `command` and CRLF; `shownAs` names it in errors (AUTH lines hold credentials).
    mutating func send(_ command: String, shownAs step: String) async throws(SMTPError) -> SMTPReply {
        try await write(Array((command + "\r\n").utf8), step: step)
        return try await readReply(step: step)
    }

    /// Like ``send(_:shownAs:)``, and throws unless the reply has one of the `expected` codes.
    mutating func send(
        _ command: String, shownAs step: String, expecting expected: Set<Int>
    )
        async throws(SMTPError) -> SMTPReply
    {
        try await write(Array((command + "\r\n").utf8), step: step)
        return try await readReply(step: step, expecting: expected)
    }

    /// A failed write reports why the connection closed when the inbound side knows (a TLS
    /// handshake that failed right after STARTTLS closes the channel before the write).
    mutating func write(_ bytes: [UInt8], step: String) async throws(SMTPError) {
        do {
            try await outbound.write(ByteBuffer(bytes: bytes))
        } catch {
            do {
                _ = try await lines.next()
            } catch let cause {
                throw SMTPSession.translate(cause, step: step)
            }
            throw SMTPSession.translate(error, step: step)
        }
    }

    mutating func readReply(step: String, expecting expected: Set<Int>) async throws(SMTPError) -> SMTPReply {
        let reply = try await readReply(step: step)
        guard expected.contains(reply.code) else {
            throw SMTPError(.rejected(code: reply.code), step: step, serverReply: reply.text)
        }
        return reply
    }

    /// The next whole reply, however many lines it has.
    mutating func readReply(step: String) async throws(SMTPError) -> SMTPReply {
        let channel = self.channel
        let deadline = channel.eventLoop.scheduleTask(in: TimeAmount(replyTimeout)) {
            channel.close(promise: nil)
        }
        var assembler = SMTPReply.Assembler()
        while true {
            let line: String?
            do {
                line = try await lines.next()
            } catch {
                if await Self.hasFired(deadline) { throw SMTPError(.timedOut, step: step) }
                throw SMTPSession.translate(error, step: step)
            }
            guard let line else {
                if await Self.hasFired(deadline) { throw SMTPError(.timedOut, step: step) }
                throw SMTPError(.connectionFailed, step: step, detail: "the server closed the connection")
            }
            do {
                if let reply = try assembler.add(line) {
                    deadline.cancel()
                    return reply
                }
            } catch {
                deadline.cancel()
                throw SMTPError(.malformedReply, step: step, serverReply: String(line.prefix(200)))
            }
        }
    }

    /// Puts TLS under the dialog, after the server's 220 to STARTTLS; the handshake runs before
    /// the next reply arrives, so its failure is what that read reports.
    mutating func startTLS(context: NIOSSLContext, serverHostname: String?) async throws(SMTPError) {
        let channel = self.channel
        do {
            try await channel.eventLoop.submit {
                let handler = try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
                try channel.pipeline.syncOperations.addHandler(handler, position: .first)
            }.get()
        } catch {
            throw SMTPError(.tlsFailed, step: "STARTTLS", detail: String(describing: error))
        }
        isEncrypted = true
    }

    /// Whether the connection is to this machine, where credentials may go unencrypted.
    var isLoopback: Bool {
        guard let address = channel.remoteAddress?.ipAddress else { return false }
        return address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }

    private static func hasFired(_ deadline: Scheduled<Void>) async -> Bool {
        deadline.cancel()
        return (try? await deadline.futureResult.get()) != nil
    }

    /// A channel or TLS error as an ``SMTPError``.
    static func translate(_ error: any Error, step: String) -> SMTPError {
        switch error {
        case let error as SMTPError: return error
        case ChannelError.connectTimeout(_): return SMTPError(.timedOut, step: step)
        case is NIOSSLError, is NIOSSLExtraError, is BoringSSLError:
            return SMTPError(.tlsFailed, step: step, detail: String(describing: error))
        default: return SMTPError(.connectionFailed, step: step, detail: String(describing: error))
        }
    }
}
