import Foundation
import NIOConcurrencyHelpers
import ParleyCore
import ServiceLifecycle

/// Limits how many messages one user may send in a sliding window, across every instance.
///
/// Each instance counts the sends it accepts at once, before writing them, and, as a service, the
/// sends other instances made as their events arrive over the bus. So the limit holds across
/// instances up to the bus's delay: sends that reach different instances within the same few
/// milliseconds (one batch's commit and its NOTIFY) can each pass before hearing of the other, so
/// a user spreading a burst over n instances may get at most about n - 1 sends more than the limit
/// in that moment, never more over the window. With one instance it is exact.
final class SendRateLimiter: Service, Sendable {
    let limit: Int
    let window: TimeInterval
    private let events: any ChatEventBus
    private let sent = NIOLockedValueBox<[Int64: [Date]]>([:])

    init(_ limit: SendRateLimit = .standard, events: any ChatEventBus) {
        self.limit = limit.messages
        self.window = TimeInterval(limit.seconds)
        self.events = events
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

    /// Counts a send another instance accepted, whatever the count already is.
    func record(for userID: Int64, now: Date = Date()) {
        sent.withLockedValue { sent in
            var times = sent[userID, default: []].filter { now.timeIntervalSince($0) < window }
            times.append(now)
            sent[userID] = times
        }
    }

    func run() async throws {
        let others = events.subscribe(bufferSize: 65_536, from: .otherInstances) { event in
            if case .messageCreated = event { true } else { false }
        }
        await cancelWhenGracefulShutdown {
            for await event in others {
                if case .messageCreated(let message, _) = event { self.record(for: message.senderID) }
            }
        }
    }
}
