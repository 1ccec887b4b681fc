import NIOCore
import ParleyCore

/// What one client connection may hold: how long it may take to send a request, how long it may
/// sit idle, and how many connections one address may keep open. A slow or silent client is cut
/// off instead of holding a socket (and a file descriptor) forever.
public struct ConnectionLimits: Sendable {
    /// From the first byte of a request (or the connection's start) to its complete headers.
    public var headerTimeout: TimeAmount = .seconds(10)
    /// The longest a request body may go without a byte arriving.
    public var bodyStallTimeout: TimeAmount = .seconds(10)
    /// The longest a whole request body may take (bodies are at most 64 KiB).
    public var bodyTimeout: TimeAmount = .seconds(30)
    /// How long a kept-alive connection may wait for its next request. Longer than nginx's
    /// upstream `keepalive_timeout` (60 s), so the proxy always gives up an idle connection first.
    public var keepAliveTimeout: TimeAmount = .seconds(75)
    /// The longest a response may wait on a client that does not read it.
    public var writeStallTimeout: TimeAmount = .seconds(30)
    /// Once the server begins to stop, how long an idle connection is kept for a request the
    /// client may be sending at that moment. Requests are still answered meanwhile, each with
    /// `Connection: close`, so a client learns to reconnect instead of writing into a socket the
    /// server closes under it.
    public var drainTimeout: TimeAmount = .seconds(2)
    /// Connections one client address may have open at once; trusted proxies are not counted.
    public var maxPerClient = 256
    public var trustedProxies: TrustedProxies = .none

    public init(maxPerClient: Int = 256, trustedProxies: TrustedProxies = .none) {
        self.maxPerClient = maxPerClient
        self.trustedProxies = trustedProxies
    }
}
