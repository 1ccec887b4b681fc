import Foundation
import NIOConcurrencyHelpers

/// A clock a test moves by hand, for code that takes `clock: @Sendable () -> Date`.
public final class ManualClock: Sendable {
    private let now: NIOLockedValueBox<Date>

    public init(start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        now = NIOLockedValueBox(start)
    }

    public var read: @Sendable () -> Date { { [self] in now.withLockedValue { $0 } } }

    public func set(_ date: Date) {
        now.withLockedValue { $0 = date }
    }

    public func advance(_ seconds: TimeInterval) {
        now.withLockedValue { $0 += seconds }
    }
}
