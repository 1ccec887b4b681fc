import NIOCore
import NIOPosix

/// A task executor with one thread of its own, for work on which many requests wait and which
/// must therefore not queue behind them on the shared cooperative pool.
///
/// The thread lives as long as the process: executors of this kind are made once, as statics.
final class DedicatedThreadExecutor: TaskExecutor, Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let loop: any EventLoop

    init(name: String) {
        group = MultiThreadedEventLoopGroup._makePerpetualGroup(threadNamePrefix: name, numberOfThreads: 1)
        loop = group.next()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
