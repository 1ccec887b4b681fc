import Foundation
import NIOCore
import NIOPosix

/// A plain TCP connection to a test server, for what an HTTP client will not do: send half a
/// request, stall, or hold a socket open. Connects from another loopback address than the test
/// client, so per-address limits count it separately.
struct RawConnection {
    typealias Inbound = NIOAsyncChannelInboundStream<ByteBuffer>
    typealias Outbound = NIOAsyncChannelOutboundWriter<ByteBuffer>

    /// Connects and sends `first` as soon as the connection is up, from the event loop, so a busy
    /// test run cannot delay it past a server deadline; then hands the connection to `body`. With
    /// `halfCloses`, finishing the outbound writer sends a FIN and leaves the inbound side open.
    static func run<T: Sendable>(
        port: Int, from source: String = "127.0.0.2", sending first: String = "", halfCloses: Bool = false,
        _ body: (Inbound, Outbound, ContinuousClock.Instant) async throws -> T
    ) async throws -> T {
        let opened = ContinuousClock.now
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(to: try SocketAddress(ipAddress: source, port: 0))
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if !first.isEmpty { try channel.pipeline.syncOperations.addHandler(SendOnConnect(first)) }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(isOutboundHalfClosureEnabled: halfCloses))
                }
            }
        return try await channel.executeThenClose { inbound, outbound in try await body(inbound, outbound, opened) }
    }

    /// Seconds from `start` until the server closes the connection; nil when it is still open
    /// after `limit` seconds. Reads the connection to its end, so it is the only reader of `inbound`.
    static func secondsUntilClosed(
        _ inbound: Inbound, since start: ContinuousClock.Instant, limit: Double
    ) async throws -> Double? {
        try await untilClosed(inbound, since: start, limit: limit)?.seconds
    }

    /// What the server sent until it closed the connection, and after how many seconds; nil when
    /// it is still open after `limit` seconds.
    static func untilClosed(
        _ inbound: Inbound, since start: ContinuousClock.Instant, limit: Double
    ) async throws -> (seconds: Double, received: String)? {
        try await withThrowingTaskGroup(of: (seconds: Double, received: String)?.self) { group in
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

    /// Writes its bytes the moment the connection is up.
    private final class SendOnConnect: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        let bytes: String

        init(_ bytes: String) { self.bytes = bytes }

        func channelActive(context: ChannelHandlerContext) {
            context.writeAndFlush(NIOAny(ByteBuffer(string: bytes)), promise: nil)
            context.fireChannelActive()
        }
    }
}
