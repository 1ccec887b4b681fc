import Foundation

/// Runs blocking work (reading a child's pipe, waiting for it to end) on a thread of its own, so
/// that it does not hold one of the few threads Swift concurrency runs every test on.
public func onOwnThread<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}
