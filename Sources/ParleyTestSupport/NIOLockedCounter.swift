import NIOConcurrencyHelpers

/// A thread-safe counter for unique fixture names.
final class NIOLockedCounter: Sendable {
    private let box = NIOLockedValueBox(0)

    func increment() -> Int {
        box.withLockedValue { value in
            value += 1
            return value
        }
    }
}
