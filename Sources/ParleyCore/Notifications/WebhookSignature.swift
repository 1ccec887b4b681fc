import Crypto
import Foundation
import NIOCore

/// The `Parley-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed
/// with the endpoint's secret. The time inside the signed text lets receivers refuse old replays.
public enum WebhookSignature {
    public static let headerName = "Parley-Signature"

    /// Signs the body as it will be sent, without copying it.
    public static func header(body: ByteBuffer, secret: String, at time: Date) -> String {
        let seconds = Int64(time.timeIntervalSince1970.rounded(.down))
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: Array(secret.utf8)))
        hmac.update(data: Array("\(seconds).".utf8))
        body.withUnsafeReadableBytes { hmac.update(data: $0) }
        return "t=\(seconds),v1=\(Hex.string(hmac.finalize()))"
    }

    /// A fresh random secret for a new endpoint: 32 bytes as hex, prefixed so it is recognisable.
    public static func makeSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return "whsec_" + Hex.string((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
