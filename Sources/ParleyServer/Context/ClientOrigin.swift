/// Where a request came from, as far as it can be believed: the socket's peer, or what a trusted
/// proxy says in `X-Forwarded-For` and `X-Forwarded-Proto`.
public struct ClientOrigin: Sendable, Equatable {
    /// The client's IP address; sign-in throttling counts failures by it.
    public var address: String
    /// Whether the client reached us over HTTPS (directly, or through a trusted proxy).
    public var isSecure: Bool

    public static let unknown = ClientOrigin(address: "unknown", isSecure: false)
}
