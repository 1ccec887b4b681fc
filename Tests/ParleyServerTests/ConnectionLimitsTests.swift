import Foundation
import HummingbirdTesting
import NIOCore
import NIOPosix
import ParleyCore
import ParleyServer
import Testing

/// Slow and silent clients are cut off, and one address cannot hold every socket (issue 8, item 1).
/// The limits are shortened here; the defaults are in ``ConnectionLimits``.
@Suite("Connection limits")
struct ConnectionLimitsTests {
    static var quick: ConnectionLimits {
        var limits = ConnectionLimits(maxPerClient: 3)
        limits.headerTimeout = .milliseconds(400)
        limits.bodyStallTimeout = .milliseconds(400)
        limits.bodyTimeout = .milliseconds(1500)
        limits.keepAliveTimeout = .milliseconds(800)
        return limits
    }

    static func port(_ context: APITestContext) throws -> Int {
        try #require(context.api.client.port)
    }

    @Test func aConnectionThatNeverFinishesItsHeadersIsClosedAfterTheHeaderTimeout() async throws {
        try await APITestContext.run(connections: Self.quick) { context in
            let seconds = try await RawConnection.run(port: try Self.port(context)) { inbound, outbound in
                try await outbound.write(ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "))
                return try await RawConnection.secondsUntilClosed(inbound, limit: 5)
            }
            let closedAfter = try #require(seconds, "still open after 5 s")
            #expect(closedAfter >= 0.3 && closedAfter < 2)
        }
    }

    @Test func headersTrickledByteByByteStillMeetTheHeaderDeadline() async throws {
        try await APITestContext.run(connections: Self.quick) { context in
            let seconds = try await RawConnection.run(port: try Self.port(context)) { inbound, outbound in
                try await outbound.write(ByteBuffer(string: "GET /healthz HTTP/1.1\r\n"))
                let trickle = Task {
                    for _ in 0..<40 {
                        try await Task.sleep(for: .milliseconds(100))
                        try await outbound.write(ByteBuffer(string: "X"))
                    }
                }
                defer { trickle.cancel() }
                return try await RawConnection.secondsUntilClosed(inbound, limit: 5)
            }
            let closedAfter = try #require(seconds, "a trickle of header bytes kept the connection open")
            #expect(closedAfter < 2)
        }
    }

    @Test func aStalledRequestBodyIsClosed() async throws {
        try await APITestContext.run(connections: Self.quick) { context in
            let seconds = try await RawConnection.run(port: try Self.port(context)) { inbound, outbound in
                try await outbound.write(
                    ByteBuffer(
                        string: "POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 100\r\n\r\n{\"email\":"))
                return try await RawConnection.secondsUntilClosed(inbound, limit: 5)
            }
            let closedAfter = try #require(seconds, "still open after 5 s")
            #expect(closedAfter < 2)
        }
    }

    @Test func aTricklingRequestBodyIsClosedAtTheBodyDeadline() async throws {
        try await APITestContext.run(connections: Self.quick) { context in
            let seconds = try await RawConnection.run(port: try Self.port(context)) { inbound, outbound in
                try await outbound.write(
                    ByteBuffer(
                        string: "POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 1000\r\n\r\n"))
                let trickle = Task {
                    for _ in 0..<100 {
                        try await Task.sleep(for: .milliseconds(100))
                        try await outbound.write(ByteBuffer(string: " "))
                    }
                }
                defer { trickle.cancel() }
                return try await RawConnection.secondsUntilClosed(inbound, limit: 6)
            }
            let closedAfter = try #require(seconds, "a body trickled a byte at a time was never cut off")
            #expect(closedAfter >= 1.2 && closedAfter < 4)
        }
    }

    @Test func anIdleKeptAliveConnectionIsClosedAfterTheKeepAliveTimeout() async throws {
        try await APITestContext.run(connections: Self.quick) { context in
            let outcome = try await RawConnection.run(port: try Self.port(context)) { inbound, outbound in
                try await outbound.write(ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))
                return try await RawConnection.untilClosed(inbound, limit: 5)
            }
            let (closedAfter, received) = try #require(outcome, "an idle connection stayed open")
            #expect(received.hasPrefix("HTTP/1.1 200"))
            #expect(closedAfter >= 0.6 && closedAfter < 3)
        }
    }

    @Test func connectionsOverTheAddressAllowanceAreClosedAtOnceWhileOtherAddressesAreServed() async throws {
        var limits = Self.quick
        limits.headerTimeout = .seconds(10)  // the held connections send nothing
        try await APITestContext.run(connections: limits) { context in
            let port = try Self.port(context)
            let held = try await (0..<3).asyncMap { _ in try await HeldConnection.open(port: port) }
            defer { for connection in held { connection.close() } }
            let seconds = try await RawConnection.run(port: port) { inbound, outbound in
                try await outbound.write(ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))
                return try await RawConnection.secondsUntilClosed(inbound, limit: 5)
            }
            #expect(try #require(seconds) < 0.3)
            // The test client connects from 127.0.0.1, which has its own allowance.
            #expect(try await context.api.send(.get, "/healthz").status == .ok)
        }
    }

    @Test func aRealtimeSocketOutlivesTheHTTPDeadlines() async throws {
        var limits = Self.quick
        limits.keepAliveTimeout = .seconds(30)  // the test client does not reconnect a closed idle connection
        try await APITestContext.run(connections: limits) { context in
            let (customer, vendor, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let alice = try await context.api.signIn(customer.email)
            let bob = try await context.api.signIn(vendor.email)
            let inbox = RealtimeTests.Inbox()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await context.api.client.ws("/api/v1/realtime?token=\(bob.token!)") { inbound, _, _ in
                        for try await message in inbound.messages(maxSize: 1 << 16) {
                            if case .text(let text) = message { inbox.append(text) }
                            if inbox.types().contains("message.created") { return }
                        }
                    }
                }
                #expect(try await inbox.wait(for: "connection.ready") != nil)
                // Longer than the header and body deadlines.
                try await Task.sleep(for: .milliseconds(2000))
                _ = try await alice.send(
                    .post, "/api/v1/chat-sessions/\(session.id)/messages", json: #"{"body":"Still there?"}"#)
                #expect(try await inbox.wait(for: "message.created") != nil)
                try await group.waitForAll()
            }
        }
    }

    @Test func aClosedConnectionGivesItsPlaceBack() async throws {
        try await APITestContext.run(connections: Self.quick) { context in
            let port = try Self.port(context)
            for _ in 0..<6 {
                let answer = try await RawConnection.run(port: port) { inbound, outbound in
                    try await outbound.write(
                        ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                    var text = ""
                    for try await part in inbound { text += String(buffer: part) }
                    return text
                }
                #expect(answer.hasPrefix("HTTP/1.1 200"))
            }
        }
    }
}

/// A connection opened and left alone until closed, from 127.0.0.2.
final class HeldConnection: Sendable {
    let channel: any Channel

    private init(channel: any Channel) {
        self.channel = channel
    }

    static func open(port: Int) async throws -> HeldConnection {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(to: try SocketAddress(ipAddress: "127.0.0.2", port: 0))
            .connect(host: "127.0.0.1", port: port).get()
        return HeldConnection(channel: channel)
    }

    func close() {
        channel.close(promise: nil)
    }
}

extension Range where Bound == Int {
    func asyncMap<T>(_ transform: (Int) async throws -> T) async throws -> [T] {
        var results: [T] = []
        for index in self { results.append(try await transform(index)) }
        return results
    }
}
