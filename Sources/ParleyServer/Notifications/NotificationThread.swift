import Foundation
import Glibc
import NIOConcurrencyHelpers
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
///
/// Seconds are not forever, though: when the cores stay busy the lowered thread can fall behind
/// for good. So the workers report how late their work is (``noteLateness(_:of:at:)``), and once
/// one is ``raiseAt`` behind the thread gets its normal priority back, until every worker has
/// kept up (under ``caughtUpUnder``) for ``lowerAgainAfter``.
///
/// Tests leave it as it is: the many servers of a test run share it and keep the cores busy.
///
/// The thread lives as long as the process.
public final class NotificationThread: TaskExecutor, Sendable {
    public static let shared = NotificationThread(name: "parley-notify")

    /// Lateness at which a lowered thread is raised to its normal priority, in seconds.
    static let raiseAt: TimeInterval = 0.5
    /// Lateness under which work counts as kept up with, in seconds.
    static let caughtUpUnder: TimeInterval = 0.25
    /// How long work must keep up before the thread is lowered again, in seconds.
    static let lowerAgainAfter: TimeInterval = 2

    /// One event loop, on this thread.
    let eventLoopGroup: MultiThreadedEventLoopGroup
    private let loop: any EventLoop

    /// The workers that report their lateness.
    enum Worker: Sendable {
        case dispatcher, webhookSender, reminderSender
    }

    /// The thread's two priorities once lowered, and which one it has.
    private struct Priority {
        /// The thread's id, so that any thread can change its priority at once: a change queued on
        /// the lowered thread itself would wait behind everything it has to do.
        let threadID: id_t
        /// The niceness it had before it was lowered.
        let normal: Int32
        let lowered: Int32
        var isRaised = false
        /// The workers whose last report was not kept up with: one busy with a long round reports
        /// nothing until its end, so the others' reports must not lower the thread meanwhile.
        var behind: Set<Worker> = []
        /// When any work was last reported as not kept up with.
        var lastBehind: Date?
    }

    /// Nil until lowered, or when the thread may not get its normal priority back.
    private let priority = NIOLockedValueBox<Priority?>(nil)

    init(name: String) {
        eventLoopGroup = MultiThreadedEventLoopGroup._makePerpetualGroup(threadNamePrefix: name, numberOfThreads: 1)
        loop = eventLoopGroup.next()
    }

    /// What ``lowerPriority(niceness:)`` did.
    public struct Lowering: Sendable, Equatable {
        /// The thread's niceness now.
        public var niceness: Int32
        /// Whether it can be given its normal priority back when notifications run late (true when
        /// it was not lowered): Linux allows that only to a process with `CAP_SYS_NICE` or a high
        /// enough `RLIMIT_NICE` (systemd's `LimitNICE=`).
        public var canRaise: Bool
    }

    /// Gives the thread `niceness` (10 unless told; a thread already nicer stays as it is). Throws
    /// only if the thread's event loop is gone, which a perpetual one never is.
    @discardableResult
    public func lowerPriority(niceness: Int32 = 10) async throws -> Lowering {
        // On Linux, `who` 0 names the calling thread alone: each thread has its own niceness, and
        // raising it needs no privilege; lowering it again may.
        let (threadID, normal, lowered, canRaise) = try await loop.submit { () -> (id_t?, Int32, Int32, Bool) in
            let normal = Self.niceness()
            if normal < niceness { _ = Self.setNiceness(niceness) }
            let lowered = Self.niceness()
            // Tried once now, so that a refusal is known before it is needed.
            let canRaise = lowered <= normal || (Self.setNiceness(normal) && Self.setNiceness(lowered))
            return (Self.currentThreadID(), normal, lowered, canRaise)
        }.get()
        priority.withLockedValue {
            guard let threadID, canRaise, lowered > normal else { return $0 = nil }
            $0 = Priority(threadID: threadID, normal: normal, lowered: lowered)
        }
        return Lowering(niceness: lowered, canRaise: canRaise)
    }

    /// Learns that `worker`'s work on this thread is `lateness` seconds behind at `now` (the
    /// worker's clock): raises a lowered thread that has fallen ``raiseAt`` behind, and lowers it
    /// again once every worker's last report has kept up and none was behind for
    /// ``lowerAgainAfter``. Does nothing to a thread that was never lowered.
    func noteLateness(_ lateness: TimeInterval, of worker: Worker, at now: Date) {
        let change = priority.withLockedValue { priority -> (id_t, Int32)? in
            guard var state = priority else { return nil }
            defer { priority = state }
            if lateness >= Self.caughtUpUnder {
                state.lastBehind = now
                state.behind.insert(worker)
            } else {
                state.behind.remove(worker)
            }
            if !state.isRaised, lateness >= Self.raiseAt {
                state.isRaised = true
                return (state.threadID, state.normal)
            }
            if state.isRaised, state.behind.isEmpty, let lastBehind = state.lastBehind,
                now.timeIntervalSince(lastBehind) >= Self.lowerAgainAfter
            {
                state.isRaised = false
                return (state.threadID, state.lowered)
            }
            return nil
        }
        guard let (threadID, niceness) = change else { return }
        _ = Self.setNiceness(niceness, of: threadID)
    }

    /// Whether the thread has its normal priority back because work ran late.
    var isRaised: Bool { priority.withLockedValue { $0?.isRaised ?? false } }

    /// The calling thread's niceness.
    static func niceness() -> Int32 {
        niceness(of: 0)
    }

    /// A thread's niceness (the calling thread's with 0).
    static func niceness(of threadID: id_t) -> Int32 {
        getpriority(__priority_which_t(PRIO_PROCESS.rawValue), threadID)
    }

    /// Sets a thread's niceness (the calling thread's with 0); false when refused.
    private static func setNiceness(_ niceness: Int32, of threadID: id_t = 0) -> Bool {
        setpriority(__priority_which_t(PRIO_PROCESS.rawValue), threadID, niceness) == 0
    }

    /// The calling thread's id (the first field of `/proc/thread-self/stat`; Glibc's `gettid` is
    /// not visible to Swift), or nil where there is no such file.
    static func currentThreadID() -> id_t? {
        guard let stat = try? String(contentsOfFile: "/proc/thread-self/stat", encoding: .utf8) else { return nil }
        return stat.split(separator: " ", maxSplits: 1).first.flatMap { id_t($0) }
    }

    /// The thread's id once lowered; for tests.
    var threadID: id_t? { priority.withLockedValue { $0?.threadID } }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
