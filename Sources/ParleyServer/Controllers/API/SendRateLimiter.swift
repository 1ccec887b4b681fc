import Foundation
import NIOConcurrencyHelpers
import ParleyCore

/// Limits how many messages one user may send in a sliding window, in this process.
final class SendRateLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    private let sent = NIOLockedValueBox<[Int64: [Date]]>([:])

    init(_ limit: SendRateLimit = .standard) {
        self.limit = limit.messages
        self.window = TimeInterval(limit.seconds)
    }

    /// Records a send now, or returns how many seconds to wait when the user is over the limit.
    func acquire(for userID: Int64, now: Date = Date()) -> TimeInterval? {
        sent.withLockedValue { sent in
            var times = sent[userID, default: []].filter { now.timeIntervalSince($0) < window }
            defer { sent[userID] = times.isEmpty ? nil : times }
            guard times.count < limit else {
                return max(1, window - now.timeIntervalSince(times[0]))
            }
            times.append(now)
            return nil
        }
    }
}
