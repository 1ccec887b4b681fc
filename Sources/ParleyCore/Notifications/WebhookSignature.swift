import Crypto
import Foundation

/// The `Parley-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed
/// with the endpoint's secret. The time inside the signed text lets receivers refuse old replays.
public enum WebhookSignature {
    public static let headerName = "Parley-Signature"

    public static func header(body: [UInt8], secret: String, at time: Date) -> String {
        let seconds = Int64(time.timeIntervalSince1970.rounded(.down))
        var signed = Array("\(seconds).".utf8)
        signed.append(contentsOf: body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Array(secret.utf8)))
        let hex = mac.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
        return "t=\(seconds),v1=\(hex)"
    }

    /// A fresh random secret for a new endpoint: 32 bytes as hex, prefixed so it is recognisable.
    public static func makeSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "whsec_" + bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
