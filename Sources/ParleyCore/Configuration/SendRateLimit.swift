/// How many messages one user may send within a window of seconds; `nil` in the configuration
/// means no limit (benchmarks and trusted deployments).
public struct SendRateLimit: Sendable, Equatable {
    public var messages: Int
    public var seconds: Int

    public init(messages: Int, seconds: Int) {
        self.messages = messages
        self.seconds = seconds
    }

    /// 20 messages in 10 seconds: far above anyone typing, well below a script flooding a vendor.
    public static let standard = SendRateLimit(messages: 20, seconds: 10)

    /// Parses "20/10" (messages per seconds); "0" or "off" turns the limit off (`.some(nil)`).
    static func parse(_ text: String) -> SendRateLimit?? {
        if text == "0" || text.lowercased() == "off" { return .some(nil) }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let messages = Int(parts[0]), let seconds = Int(parts[1]),
            (1...1_000_000).contains(messages), (1...86_400).contains(seconds)
        else { return nil }
        return .some(SendRateLimit(messages: messages, seconds: seconds))
    }
}
