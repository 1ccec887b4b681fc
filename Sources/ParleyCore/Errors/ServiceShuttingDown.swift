/// The server is stopping and takes no new work: nothing was written, and the same request
/// succeeds on another instance or once this one is back, so callers answer 503.
public struct ServiceShuttingDown: Error, CustomStringConvertible {
    /// Seconds a client should wait before trying again.
    public static let retryAfter = 2

    public var description: String { "the server is shutting down" }
}
