import Glibc
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP relay on loopback in front of a real server (PostgreSQL in the outage tests), which a
/// test can cut, closing every relayed connection and refusing new ones, and then restore on the
/// same port: the server stays up while, for the application, it is gone.
final class TCPProxy: Sendable {
    let port: Int
    private let target: (host: String, port: Int)
    private let listener = NIOLockedValueBox<(any Channel)?>(nil)
    /// The relayed connections, and whether the proxy is cut: one lock for both, so that a
    /// connection accepted just before a cut, whose relay is set up after it, is refused rather
    /// than left open.
    private let relayed = NIOLockedValueBox<(isCut: Bool, channels: [ObjectIdentifier: any Channel])>((false, [:]))

    private init(port: Int, target: (host: String, port: Int)) {
        self.port = port
        self.target = target
    }

    /// Listens on a random port below the kernel's ephemeral range (32768 and up on Linux), so
    /// that no outgoing connection of another test can be given the port while the proxy is cut.
    static func start(to host: String, port: Int) async throws -> TCPProxy {
        var lastError: (any Error)?
        for _ in 0..<20 {
            let proxy = TCPProxy(port: Int.random(in: 20_000..<32_000), target: (host, port))
            do {
                try await proxy.listen()
                return proxy
            } catch {
                lastError = error
            }
        }
        throw lastError!
    }

    /// Listens again on the same port. A port refused as in use is tried again for up to 5 s: a
    /// CI run once failed here on a loaded machine, with nothing of the test's own left on it.
    func resume() async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while true {
            do {
                return try await listen()
            } catch let error as IOError where error.errnoCode == EADDRINUSE && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Listens on the port, once.
    private func listen() async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] inbound in relay(inbound) }
            .bind(host: "127.0.0.1", port: port).get()
        relayed.withLockedValue { $0.isCut = false }
        listener.withLockedValue { $0 = channel }
    }

    /// Stops listening and closes every relayed connection.
    func cut() async throws {
        let channels = relayed.withLockedValue { state in
            defer { state = (true, [:]) }
            return state.channels.values
        }
        try await listener.withLockedValue { channel in
            defer { channel = nil }; return channel
        }?.close()
        for channel in channels {
            try? await channel.close()
        }
    }

    private func relay(_ inbound: any Channel) -> EventLoopFuture<Void> {
        ClientBootstrap(group: inbound.eventLoop)
            .connect(host: target.host, port: target.port)
            .flatMap { outbound in
                guard self.track(inbound, outbound) else {
                    outbound.close(promise: nil)
                    return inbound.close()
                }
                return inbound.pipeline.addHandler(Relay(partner: outbound)).flatMap {
                    outbound.pipeline.addHandler(Relay(partner: inbound))
                }
            }
    }

    /// Records a relayed pair, unless the proxy has been cut meanwhile; returns whether it did.
    private func track(_ inbound: any Channel, _ outbound: any Channel) -> Bool {
        let admitted = relayed.withLockedValue { state -> Bool in
            guard !state.isCut else { return false }
            state.channels[ObjectIdentifier(inbound)] = inbound
            state.channels[ObjectIdentifier(outbound)] = outbound
            return true
        }
        guard admitted else { return false }
        for channel in [inbound, outbound] {
            let id = ObjectIdentifier(channel)
            channel.closeFuture.whenComplete { [self] _ in
                relayed.withLockedValue { _ = $0.channels.removeValue(forKey: id) }
            }
        }
        return true
    }

    /// Copies what one side reads to the other and closes both together.
    private final class Relay: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let partner: any Channel

        init(partner: any Channel) { self.partner = partner }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            partner.writeAndFlush(unwrapInboundIn(data), promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            partner.close(promise: nil)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
