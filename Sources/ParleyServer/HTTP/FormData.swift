import Foundation
import Hummingbird

/// An `application/x-www-form-urlencoded` body or query string, keeping repeated keys
/// (`ids=1&ids=2`) in order.
struct FormData: Sendable {
    private(set) var fields: [(name: String, value: String)] = []

    init(_ encoded: String) {
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            fields.append((name, value))
        }
    }

    /// The query string of a request, decoded the way a browser's GET form encodes it (`+` is a
    /// space). Hummingbird's `queryParameters` leaves `+` as it is.
    init(query request: Request) {
        self.init(request.uri.query ?? "")
    }

    /// Reads a request's form body, refusing bodies over the context's upload limit.
    static func from(_ request: Request, context: some RequestContext) async throws -> FormData {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        return FormData(String(buffer: buffer))
    }

    subscript(name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    func all(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }

    func trimmed(_ name: String) -> String {
        (self[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func int64(_ name: String) -> Int64? {
        Int64(trimmed(name))
    }

    func ids(_ name: String) -> [Int64] {
        all(name).compactMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Percent-decoded, `+` as a space, and a NUL (`%00`) as U+FFFD: PostgreSQL cannot store a NUL
    /// and SQLite cuts text at one, so no form value ever carries it into a query.
    private static func decode(_ part: Substring) -> String {
        let spaced = part.replacingOccurrences(of: "+", with: " ")
        let decoded = spaced.removingPercentEncoding ?? spaced
        return decoded.contains("\0") ? decoded.replacingOccurrences(of: "\0", with: "\u{FFFD}") : decoded
    }
}
