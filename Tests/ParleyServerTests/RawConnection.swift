import Foundation
import NIOCore
import NIOPosix

/// A plain TCP connection to a test server, for what an HTTP client will not do: send half a
/// request, stall, or hold a socket open. Connects from another loopback address than the test
/// client, so per-address limits count it separately.
struct RawConnection {
    typealias Inbound = NIOAsyncChannelInboundStream<ByteBuffer>
    typealias Outbound = NIOAsyncChannelOutboundWriter<ByteBuffer>

    static func run<T: Sendable>(
        port: Int, from source: String = "127.0.0.2", _ body: (Inbound, Outbound) async throws -> T
    ) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(to: try SocketAddress(ipAddress: source, port: 0))
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in try await body(inbound, outbound) }
    }

    /// Seconds until the server closes the connection; nil when it is still open after `limit`
    /// seconds. Reads the connection to its end, so it is the only reader of `inbound`.
    static func secondsUntilClosed(_ inbound: Inbound, limit: Double) async throws -> Double? {
        try await untilClosed(inbound, limit: limit)?.seconds
    }

    /// What the server sent until it closed the connection, and after how many seconds; nil when
    /// it is still open after `limit` seconds.
    static func untilClosed(_ inbound: Inbound, limit: Double) async throws -> (seconds: Double, received: String)? {
        let start = ContinuousClock.now
        return try await withThrowingTaskGroup(of: (seconds: Double, received: String)?.self) { group in
            group.addTask {
                var received = ""
                do {
                    for try await part in inbound { received += String(buffer: part) }
                } catch let error as IOError where error.errnoCode == ECONNRESET {
                    // A reset is a close too.
                }
                let elapsed = ContinuousClock.now - start
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                return (seconds, received)
            }
            group.addTask {
                try await Task.sleep(for: .seconds(limit))
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
