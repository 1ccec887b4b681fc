import ServiceLifecycle

/// Wakes a worker early: many wakes before it looks count as one.
final class WakeSignal: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func wake() {
        continuation.yield()
    }

    /// Runs `work` at once, then whenever woken and at least every `interval`, one run at a time,
    /// until the task is cancelled or the service is asked to stop. After each run it rests for
    /// `pause`, so that under steady traffic the wakes of that time make one larger run rather
    /// than many small ones (each run costs a transaction or more, whatever it finds).
    func run(
        every interval: Duration, pausingAfterEachRun pause: Duration = .zero,
        _ work: @escaping @Sendable () async -> Void
    ) async {
        let continuation = self.continuation
        let stream = self.stream
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        continuation.yield()
                        try? await Task.sleep(for: interval)
                    }
                }
                group.addTask {
                    for await _ in stream {
                        guard !Task.isCancelled else { return }
                        await work()
                        if pause > .zero { try? await Task.sleep(for: pause) }
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
