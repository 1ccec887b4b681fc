import Foundation
import HummingbirdTesting
import NIOCore
import NIOPosix
import ParleyCore
import ParleyServer
import Testing

/// Slow and silent clients are cut off, and one address cannot hold every socket (issue 8, item 1).
/// The limits are shortened here (the defaults are in ``ConnectionLimits``), each test lengthening
/// the ones it does not test, so that a busy test run cannot close a connection for another reason.
/// A timer never fires early, so lower bounds are exact; upper bounds leave room for a loaded machine.
@Suite("Connection limits")
struct ConnectionLimitsTests {
    static func limits(
        header: TimeAmount = .seconds(60), bodyStall: TimeAmount = .seconds(60), body: TimeAmount = .seconds(60),
        keepAlive: TimeAmount = .seconds(60)
    ) -> ConnectionLimits {
        var limits = ConnectionLimits(maxPerClient: 3)
        limits.headerTimeout = header
        limits.bodyStallTimeout = bodyStall
        limits.bodyTimeout = body
        limits.keepAliveTimeout = keepAlive
        return limits
    }

    static func port(_ context: APITestContext) throws -> Int {
        try #require(context.api.client.port)
    }

    @Test func aConnectionThatNeverFinishesItsHeadersIsClosedAfterTheHeaderTimeout() async throws {
        try await APITestContext.run(connections: Self.limits(header: .seconds(1))) { context in
            let seconds = try await RawConnection.run(
                port: try Self.port(context), sending: "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "
            ) { inbound, _, opened in
                try await RawConnection.secondsUntilClosed(inbound, since: opened, limit: 30)
            }
            let closedAfter = try #require(seconds, "still open after 30 s")
            #expect(closedAfter >= 0.95 && closedAfter < 25)
        }
    }

    @Test func headersTrickledByteByByteStillMeetTheHeaderDeadline() async throws {
        try await APITestContext.run(connections: Self.limits(header: .seconds(1))) { context in
            let seconds = try await RawConnection.run(
                port: try Self.port(context), sending: "GET /healthz HTTP/1.1\r\n"
            ) { inbound, outbound, opened in
                let trickle = Task {
                    for _ in 0..<150 {
                        try await Task.sleep(for: .milliseconds(100))
                        try await outbound.write(ByteBuffer(string: "X"))
                    }
                }
                defer { trickle.cancel() }
                return try await RawConnection.secondsUntilClosed(inbound, since: opened, limit: 30)
            }
            let closedAfter = try #require(seconds, "a trickle of header bytes kept the connection open")
            #expect(closedAfter >= 0.95 && closedAfter < 25)
        }
    }

    @Test func aStalledRequestBodyIsClosed() async throws {
        try await APITestContext.run(connections: Self.limits(bodyStall: .seconds(1))) { context in
            let request =
                "POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{\"email\":"
            let seconds = try await RawConnection.run(port: try Self.port(context), sending: request) {
                inbound, _, opened in
                try await RawConnection.secondsUntilClosed(inbound, since: opened, limit: 30)
            }
            let closedAfter = try #require(seconds, "still open after 30 s")
            #expect(closedAfter >= 0.95 && closedAfter < 25)
        }
    }

    @Test func aTricklingRequestBodyIsClosedAtTheBodyDeadline() async throws {
        try await APITestContext.run(connections: Self.limits(body: .milliseconds(1500))) { context in
            let request =
                "POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000\r\n\r\n"
            let seconds = try await RawConnection.run(
                port: try Self.port(context), sending: request
            ) { inbound, outbound, opened in
                let trickle = Task {
                    for _ in 0..<150 {
                        try await Task.sleep(for: .milliseconds(100))
                        try await outbound.write(ByteBuffer(string: " "))
                    }
                }
                defer { trickle.cancel() }
                return try await RawConnection.secondsUntilClosed(inbound, since: opened, limit: 30)
            }
            let closedAfter = try #require(seconds, "a body trickled a byte at a time was never cut off")
            #expect(closedAfter >= 1.45 && closedAfter < 25)
        }
    }

    @Test func anIdleKeptAliveConnectionIsClosedAfterTheKeepAliveTimeout() async throws {
        try await APITestContext.run(connections: Self.limits(keepAlive: .seconds(1))) { context in
            let outcome = try await RawConnection.run(
                port: try Self.port(context), sending: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
            ) { inbound, _, opened in
                try await RawConnection.untilClosed(inbound, since: opened, limit: 30)
            }
            let (closedAfter, received) = try #require(outcome, "an idle connection stayed open")
            #expect(received.hasPrefix("HTTP/1.1 200"))
            #expect(closedAfter >= 0.95 && closedAfter < 25)
        }
    }

    @Test func connectionsOverTheAddressAllowanceAreClosedAtOnceWhileOtherAddressesAreServed() async throws {
        try await APITestContext.run(connections: Self.limits()) { context in
            let port = try Self.port(context)
            let held = try await (0..<3).asyncMap { _ in try await HeldConnection.open(port: port) }
            defer { for connection in held { connection.close() } }
            let outcome = try await RawConnection.run(
                port: port, sending: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
            ) { inbound, _, opened in
                try await RawConnection.untilClosed(inbound, since: opened, limit: 30)
            }
            let (_, received) = try #require(outcome, "a fourth connection from one address was kept")
            #expect(received.isEmpty, "a connection past the allowance was served")
            // The test client connects from 127.0.0.1, which has its own allowance.
            #expect(try await context.api.send(.get, "/healthz").status == .ok)
        }
    }

    /// Behind a proxy every client arrives from the proxy's address, so a trusted proxy is not held
    /// to one address's allowance.
    @Test func aTrustedProxyIsNotHeldToTheAddressAllowance() async throws {
        try await APITestContext.run(connections: try Self.limits().trusting("127.0.0.2")) { context in
            let port = try Self.port(context)
            // `open` waits for each connection's answer, and fails if the server closes it instead.
            let held = try await (0..<5).asyncMap { _ in try await HeldConnection.open(port: port) }
            for connection in held { connection.close() }
            #expect(held.count == 5)
        }
    }

    @Test func aRealtimeSocketOutlivesTheHTTPDeadlines() async throws {
        let limits = Self.limits(header: .seconds(1), bodyStall: .seconds(1), body: .seconds(1), keepAlive: .seconds(1))
        try await APITestContext.run(connections: limits) { context in
            // Set up without HTTP: the test client's own connection would meet the short deadlines.
            let (customer, vendor, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let token = try await APITokenService(database: context.chat.database).issue(for: vendor)
            let inbox = RealtimeTests.Inbox()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await context.api.client.ws("/api/v1/realtime?token=\(token)") { inbound, _, _ in
                        for try await message in inbound.messages(maxSize: 1 << 16) {
                            if case .text(let text) = message { inbox.append(text) }
                            if inbox.types().contains("message.created") { return }
                        }
                    }
                }
                #expect(try await inbox.wait(for: "connection.ready") != nil)
                // Longer than every HTTP deadline.
                try await Task.sleep(for: .milliseconds(2500))
                _ = try await context.chat.chat.sendMessage(
                    sessionID: session.id, senderID: customer.id, body: "Still?")
                #expect(try await inbox.wait(for: "message.created") != nil)
                try await group.waitForAll()
            }
        }
    }

    @Test func aRealtimeClientThatHangsUpWithoutACloseFrameIsClosedAtOnce() async throws {
        try await APITestContext.run(connections: Self.limits()) { context in
            let vendor = try await context.chat.fixtures.user(.vendor)
            let token = try await APITokenService(database: context.chat.database).issue(for: vendor)
            let upgrade =
                "GET /api/v1/realtime?token=\(token) HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n"
            let secondsAfterHangUp = try await RawConnection.run(
                port: try Self.port(context), sending: upgrade, halfCloses: true
            ) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Double?.self) { group in
                    group.addTask {
                        var parts = inbound.makeAsyncIterator()
                        var received = ""
                        while !received.contains("connection.ready"), let part = try await parts.next() {
                            received += String(buffer: part)
                        }
                        guard received.contains("connection.ready") else { return nil }
                        // A FIN and no close frame, as when a phone's app is killed.
                        outbound.finish()
                        let hungUp = ContinuousClock.now
                        do {
                            while try await parts.next() != nil {}
                        } catch let error as IOError where error.errnoCode == ECONNRESET {
                            // A reset is a close too.
                        }
                        return hungUp.duration(to: .now).inSeconds
                    }
                    group.addTask {
                        // Well short of the first ping (30 s), which would also find the client gone.
                        try await Task.sleep(for: .seconds(10))
                        return nil
                    }
                    let first = try await group.next() ?? nil
                    group.cancelAll()
                    return first
                }
            }
            let seconds = try #require(secondsAfterHangUp, "the server still held the socket 10 s after the FIN")
            #expect(seconds < 2)
        }
    }

    @Test func aClosedConnectionGivesItsPlaceBack() async throws {
        try await APITestContext.run(connections: Self.limits()) { context in
            let port = try Self.port(context)
            for _ in 0..<6 {
                let answer = try await RawConnection.run(
                    port: port, sending: "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                ) { inbound, _, _ in
                    var text = ""
                    for try await part in inbound { text += String(buffer: part) }
                    return text
                }
                #expect(answer.hasPrefix("HTTP/1.1 200"))
            }
        }
    }
}

extension ConnectionLimits {
    /// Deadlines no test meets by accident: the test client keeps a connection open from the start
    /// of a test, and on a loaded machine its first request can come more than ten seconds later.
    /// The limits themselves are tested in ``ConnectionLimitsTests`` and by the attack suite.
    static var patient: ConnectionLimits {
        var limits = ConnectionLimits()
        limits.headerTimeout = .seconds(300)
        limits.bodyStallTimeout = .seconds(300)
        limits.bodyTimeout = .seconds(300)
        limits.keepAliveTimeout = .seconds(300)
        return limits
    }

    func trusting(_ proxies: String) throws -> ConnectionLimits {
        var limits = self
        limits.trustedProxies = try TrustedProxies.parse(proxies)
        return limits
    }
}

/// A connection from 127.0.0.2 that has been answered once and is then left alone until closed.
/// Waiting for the answer proves the server admitted it: connections are counted on the event
/// loop each one lands on, so a connection that is merely open may not be counted yet.
final class HeldConnection: Sendable {
    let channel: any Channel

    private init(channel: any Channel) {
        self.channel = channel
    }

    static func open(port: Int) async throws -> HeldConnection {
        let answered = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: Void.self)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AnswerWatcher(answered))
                }
            }
            .bind(to: try SocketAddress(ipAddress: "127.0.0.2", port: 0))
            .connect(host: "127.0.0.1", port: port).get()
        try await channel.writeAndFlush(ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))
        try await answered.futureResult.get()
        return HeldConnection(channel: channel)
    }

    func close() {
        channel.close(promise: nil)
    }

    /// Fulfils its promise at the first bytes the server sends, fails it if the server closes first.
    private final class AnswerWatcher: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let answered: EventLoopPromise<Void>
        var settled = false

        init(_ answered: EventLoopPromise<Void>) { self.answered = answered }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            settle { answered.succeed() }
        }

        func channelInactive(context: ChannelHandlerContext) {
            settle { answered.fail(ChannelError.eof) }
            context.fireChannelInactive()
        }

        private func settle(_ outcome: () -> Void) {
            if !settled { outcome() }
            settled = true
        }
    }
}

extension Range where Bound == Int {
    func asyncMap<T>(_ transform: (Int) async throws -> T) async throws -> [T] {
        var results: [T] = []
        for index in self { results.append(try await transform(index)) }
        return results
    }
}
