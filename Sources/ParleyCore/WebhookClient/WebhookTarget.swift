import Foundation

/// Where a webhook delivery goes: the origin its connections are kept for, and what the request
/// line and `Host` header say.
public struct WebhookTarget: Sendable {
    /// Connections are reused between deliveries to the same origin.
    public struct Origin: Hashable, Sendable {
        let isSecure: Bool
        let host: String
        let port: Int
    }

    let origin: Origin
    /// The path and query, `/` when the address has no path.
    let requestTarget: String
    /// The `Host` header: the host, with the port when it is not the scheme's own.
    let hostHeader: String

    /// Reads an `http://` or `https://` address; nil for anything else (endpoints are validated when
    /// saved, so this only fails for rows written by hand).
    public init?(_ url: String) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return nil }
        let isSecure = scheme == "https"
        let defaultPort = isSecure ? 443 : 80
        let port = components.port ?? defaultPort
        guard (1...65_535).contains(port) else { return nil }
        // An IPv6 literal comes without its brackets, which the Host header needs.
        let bareHost = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let shownHost = bareHost.contains(":") ? "[\(bareHost)]" : bareHost
        origin = Origin(isSecure: isSecure, host: bareHost, port: port)
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        requestTarget = components.percentEncodedQuery.map { "\(path)?\($0)" } ?? path
        hostHeader = port == defaultPort ? shownHost : "\(shownHost):\(port)"
    }
}
