import NIOCore
import NIOPosix

/// The thread on which send batches are written, PostgreSQL's connections do their I/O, and on
/// SQLite every write transaction's body runs: a task executor and an event loop in one.
///
/// Many requests wait on each batch, so a batch must not queue behind the request handlers. On the
/// shared cooperative pool every step of a batch (each statement's answer, each commit) waited its
/// turn behind them, and on the shared event loops each answer was read among the HTTP
/// connections' traffic and then handed to another thread. Here the batch's code and its
/// connection's reads and writes run on one thread, one after the other. Measured at 64 senders
/// (BENCHMARKS.md): 20 to 25 % more sends per second on SQLite from the writer's thread alone, and
/// on PostgreSQL about 5 % from that and 20 to 40 % more once the connections moved here too.
///
/// The thread lives as long as the process.
final class DatabaseThread: TaskExecutor, Sendable {
    static let shared = DatabaseThread(name: "parley-db")

    /// One event loop, on this thread.
    let eventLoopGroup: MultiThreadedEventLoopGroup
    private let loop: any EventLoop

    private init(name: String) {
        eventLoopGroup = MultiThreadedEventLoopGroup._makePerpetualGroup(threadNamePrefix: name, numberOfThreads: 1)
        loop = eventLoopGroup.next()
    }

    /// Whether the caller runs on this thread.
    var isCurrent: Bool { loop.inEventLoop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
