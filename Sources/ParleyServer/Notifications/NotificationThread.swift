import Glibc
import NIOCore
import NIOPosix

/// The thread on which notifications are prepared and sent: the outbox dispatcher, the webhook
/// sender with its HTTP connections, and the reminder sender. A task executor and an event loop in
/// one.
///
/// `parley serve` lowers its priority (``lowerPriority(niceness:)``): notifications have seconds to
/// go out, while a send's answer is waited for by a person. On a busy machine the kernel then
/// gives this thread the cores only after the request handlers, the event loops and the send
/// batches' thread have had theirs, so a burst of deliveries does not hold up sends; when the
/// cores are not all busy it runs as soon as it has work. Nothing that holds a lock sends wait for
/// runs here: on SQLite every write's body runs on ParleyCore's `DatabaseThread`, and on
/// PostgreSQL notifications lock nothing a send takes.
/// Tests leave it as it is: the many servers of a test run share it and keep the cores busy.
///
/// The thread lives as long as the process.
public final class NotificationThread: TaskExecutor, Sendable {
    public static let shared = NotificationThread(name: "parley-notify")

    /// One event loop, on this thread.
    let eventLoopGroup: MultiThreadedEventLoopGroup
    private let loop: any EventLoop

    init(name: String) {
        eventLoopGroup = MultiThreadedEventLoopGroup._makePerpetualGroup(threadNamePrefix: name, numberOfThreads: 1)
        loop = eventLoopGroup.next()
    }

    /// Gives the thread `niceness` (10 unless told; a thread already nicer stays as it is), and
    /// returns its niceness then. Throws only if the thread's event loop is gone, which a perpetual
    /// one never is.
    @discardableResult
    public func lowerPriority(niceness: Int32 = 10) async throws -> Int32 {
        // On Linux, `who` 0 names the calling thread alone: each thread has its own niceness, and
        // raising it needs no privilege.
        try await loop.submit {
            let which = __priority_which_t(PRIO_PROCESS.rawValue)
            if getpriority(which, 0) < niceness { _ = setpriority(which, 0, niceness) }
            return getpriority(which, 0)
        }.get()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
