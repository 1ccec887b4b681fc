import Foundation

/// The reverse proxies (load balancers) whose `X-Forwarded-For` and `X-Forwarded-Proto` headers
/// are believed: `TRUSTED_PROXIES`, a comma-separated list of addresses and CIDR ranges
/// (`127.0.0.1, 10.0.0.0/8, ::1`). From anyone else those headers are ignored, since a client can
/// write whatever it likes in them.
public struct TrustedProxies: Sendable, Equatable {
    /// One address range: the network's bytes (4 or 16) and how many leading bits must match.
    struct Range: Sendable, Equatable {
        let network: [UInt8]
        let prefixLength: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == network.count else { return false }
            var bits = prefixLength
            for (a, b) in zip(address, network) where bits > 0 {
                let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
                if a & mask != b & mask { return false }
                bits -= 8
            }
            return true
        }
    }

    let ranges: [Range]

    public static let none = TrustedProxies(ranges: [])

    public var isEmpty: Bool { ranges.isEmpty }

    /// Parses the variable's text; throws naming the first entry that is not an address or range.
    public static func parse(_ text: String) throws -> TrustedProxies {
        var ranges: [Range] = []
        for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
            guard let bytes = Self.bytes(of: parts[0]) else {
                throw ConfigurationError.invalid(
                    name: "TRUSTED_PROXIES", reason: "\"\(entry)\" is not an IP address or a CIDR range")
            }
            var length = bytes.count * 8
            if parts.count == 2 {
                guard let given = Int(parts[1]), (0...length).contains(given) else {
                    throw ConfigurationError.invalid(
                        name: "TRUSTED_PROXIES", reason: "\"\(entry)\" has a prefix length outside 0…\(length)")
                }
                length = given
            }
            ranges.append(Range(network: bytes, prefixLength: length))
        }
        return TrustedProxies(ranges: ranges)
    }

    /// Whether a peer address (as the socket reports it: `127.0.0.1`, `::1`, `::ffff:10.0.0.2`) is a
    /// trusted proxy.
    public func contains(_ address: String) -> Bool {
        guard !ranges.isEmpty, let bytes = Self.bytes(of: address) else { return false }
        if ranges.contains(where: { $0.contains(bytes) }) { return true }
        // An IPv4 peer seen through an IPv6 socket.
        if bytes.count == 16, bytes[0..<12].elementsEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]) {
            let v4 = Array(bytes[12...])
            return ranges.contains { $0.contains(v4) }
        }
        return false
    }

    /// The client a request came from: the peer itself, or, when the peer is a trusted proxy, the
    /// nearest address in `X-Forwarded-For` (read from the right) that is not a trusted proxy.
    public func clientAddress(peer: String, forwardedFor: [String]) -> String {
        guard contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            guard Self.bytes(of: hop) != nil else { return peer }  // garbage: believe only the socket
            if !contains(hop) { return hop }
        }
        return hops.first ?? peer
    }

    static func bytes(of address: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}
