import Hummingbird
import NIOCore
import ParleyCore

/// What every route sees: Hummingbird's core context plus who is signed in, once known.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``AdminSessionMiddleware`` for a signed-in administrator.
    public var webSession: WebSession?
    /// Set by ``AdminSessionMiddleware`` when a form that can be shown again came without a valid
    /// CSRF token: its handler must save nothing and show the form with the input.
    public var staleForm = false
    /// Set by ``APIAuthMiddleware`` for a request with a valid bearer token.
    public var apiUser: User?
    /// The socket's peer: the client, or the proxy in front of it.
    public let remoteAddress: SocketAddress?
    /// Who the client is, set by ``ClientOriginMiddleware`` before any route runs.
    public var client = ClientOrigin.unknown

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSession = nil
        apiUser = nil
        remoteAddress = source.channel.remoteAddress
    }

    /// Forms and JSON bodies are small; anything larger is refused before it is read.
    public var maxUploadSize: Int { 64 * 1024 }
}
