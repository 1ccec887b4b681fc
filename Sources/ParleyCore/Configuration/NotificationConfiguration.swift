import Foundation

/// How Parley tells people and systems about what happened: reminder timing, the address links
/// point to, and how webhooks are retried.
public struct NotificationConfiguration: Sendable, Equatable {
    /// `PARLEY_REMINDER_DELAY`: how long a message stays unread before its recipient is emailed.
    public var reminderDelay: Duration = .seconds(600)
    /// `PARLEY_PUBLIC_URL`: where people reach this Parley, for links in emails (no trailing slash).
    public var publicURL: String = "http://127.0.0.1:8080"
    /// `PARLEY_WEBHOOK_RETRY_BASE`: the wait before the first retry; each next one doubles it.
    public var webhookRetryBase: Duration = .seconds(5)
    /// The longest wait between two attempts.
    public var webhookRetryCap: Duration = .seconds(3600)
    /// How long a delivery is retried before it is marked failed, and how long an endpoint may
    /// fail every attempt before it is switched off.
    public var webhookRetryWindow: Duration = .seconds(86_400)
    /// `PARLEY_WEBHOOK_TIMEOUT`: the most one attempt may take, connection included.
    public var webhookTimeout: Duration = .seconds(10)

    public init() {}

    /// Until when an instance that takes a delivery to attempt holds it: long enough for the
    /// attempt to finish and its outcome to be written. Past it, another may attempt it.
    public func webhookLease(from now: Date) -> Date {
        now.addingTimeInterval(webhookTimeout.inSeconds + 30)
    }

    /// The wait before attempt `attempt + 1` after `attempt` failed: the base doubled per failure,
    /// capped, then spread by ±20 % so that endpoints that failed together do not retry together.
    public func retryDelay(afterAttempt attempt: Int, jitter: Double = Double.random(in: 0.8...1.2)) -> Duration {
        let doublings = min(max(attempt - 1, 0), 30)
        let base = webhookRetryBase.inSeconds * pow(2, Double(doublings))
        let capped = min(base, webhookRetryCap.inSeconds)
        return .milliseconds(Int64(capped * jitter * 1000))
    }

    /// Reads a duration such as `30s`, `10m`, `2h`, `500ms` or a bare number of seconds.
    public static func parseDuration(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            guard let number = Double(trimmed.dropLast(suffix.count)), number >= 0, number.isFinite else {
                return nil
            }
            return .milliseconds(Int64((number * scale * 1000).rounded()))
        }
        guard let seconds = Double(trimmed), seconds >= 0, seconds.isFinite else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
