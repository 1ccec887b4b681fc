import Foundation
import Glibc
import ParleyTestSupport
import Testing

@testable import ParleyServer

@Suite("The notifications' thread")
struct NotificationThreadTests {
    private static func niceness(on thread: NotificationThread) async -> Int32 {
        await withTaskExecutorPreference(thread) { NotificationThread.niceness() }
    }

    /// A thread lowered by 5 from the process's niceness, which must leave room for it.
    static func loweredThread() async throws -> (NotificationThread, normal: Int32, lowered: Int32) {
        let thread = NotificationThread(name: "test-notify")
        let normal = await niceness(on: thread)
        try #require(normal <= 14, "the tests run at niceness \(normal), too nice to lower a thread by 5")
        let lowering = try await thread.lowerPriority(niceness: normal + 5)
        #expect(lowering == .init(niceness: normal + 5, canRaise: true))
        return (thread, normal, normal + 5)
    }

    private static let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func workOnItRunsAtALowerPriorityOnceLowered() async throws {
        let thread = NotificationThread(name: "test-notify")
        let before = await Self.niceness(on: thread)
        try await thread.lowerPriority()
        let after = await Self.niceness(on: thread)
        #expect(after == max(before, 10))
        #expect(after > NotificationThread.niceness())
    }

    @Test(.enabled(if: geteuid() == 0, "giving a thread its priority back needs CAP_SYS_NICE"))
    func aLoweredThreadGetsItsNormalPriorityBackOnceWorkOnItRunsHalfASecondLate() async throws {
        let (thread, normal, lowered) = try await Self.loweredThread()
        thread.noteLateness(0.45, of: .dispatcher, at: Self.start)
        #expect(await Self.niceness(on: thread) == lowered)
        thread.noteLateness(0.5, of: .dispatcher, at: Self.start.addingTimeInterval(1))
        #expect(await Self.niceness(on: thread) == normal)
        #expect(thread.isRaised)
    }

    @Test(.enabled(if: geteuid() == 0, "giving a thread its priority back needs CAP_SYS_NICE"))
    func aBusyLoweredThreadIsRaisedAtOnceRatherThanAfterTheWorkItHasQueued() async throws {
        let (thread, normal, _) = try await Self.loweredThread()
        let threadID = try #require(thread.threadID)
        let (holding, release) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        thread.eventLoopGroup.next().execute {
            holding.signal()
            release.wait()
        }
        await onOwnThread { holding.wait() }
        thread.noteLateness(1, of: .dispatcher, at: Self.start)
        let whileBusy = NotificationThread.niceness(of: threadID)
        release.signal()
        #expect(whileBusy == normal)
    }

    @Test(.enabled(if: geteuid() == 0, "giving a thread its priority back needs CAP_SYS_NICE"))
    func aRaisedThreadIsLoweredAgainOnceWorkHasKeptUpForTwoSeconds() async throws {
        let (thread, normal, lowered) = try await Self.loweredThread()
        thread.noteLateness(2, of: .dispatcher, at: Self.start)
        thread.noteLateness(0.1, of: .dispatcher, at: Self.start.addingTimeInterval(1.9))
        #expect(await Self.niceness(on: thread) == normal)
        // Behind again (if not by enough to raise it): the two seconds start over.
        thread.noteLateness(0.3, of: .dispatcher, at: Self.start.addingTimeInterval(2.5))
        thread.noteLateness(0.1, of: .dispatcher, at: Self.start.addingTimeInterval(4.4))
        #expect(await Self.niceness(on: thread) == normal)
        thread.noteLateness(0.1, of: .dispatcher, at: Self.start.addingTimeInterval(4.5))
        #expect(await Self.niceness(on: thread) == lowered)
        #expect(!thread.isRaised)
    }

    @Test(.enabled(if: geteuid() == 0, "giving a thread its priority back needs CAP_SYS_NICE"))
    func aRaisedThreadStaysRaisedUntilTheWorkerThatWasBehindKeepsUpAgain() async throws {
        let (thread, normal, lowered) = try await Self.loweredThread()
        thread.noteLateness(1, of: .webhookSender, at: Self.start)
        // The sender is busy with a long round; the dispatcher keeps up meanwhile.
        thread.noteLateness(0.1, of: .dispatcher, at: Self.start.addingTimeInterval(2))
        thread.noteLateness(0.1, of: .dispatcher, at: Self.start.addingTimeInterval(5))
        #expect(await Self.niceness(on: thread) == normal)
        thread.noteLateness(0.1, of: .webhookSender, at: Self.start.addingTimeInterval(6))
        #expect(await Self.niceness(on: thread) == lowered)
    }

    @Test func lateWorkLeavesAThreadThatWasNeverLoweredAsItIs() async {
        let thread = NotificationThread(name: "test-notify")
        let before = await Self.niceness(on: thread)
        thread.noteLateness(30, of: .dispatcher, at: Self.start)
        #expect(await Self.niceness(on: thread) == before)
        #expect(!thread.isRaised)
    }

    @Test func itsEventLoopIsTheThreadItself() async {
        let thread = NotificationThread(name: "test-notify")
        let loop = thread.eventLoopGroup.next()
        let sameThread = await withTaskExecutorPreference(thread) { loop.inEventLoop }
        #expect(sameThread)
    }
}
