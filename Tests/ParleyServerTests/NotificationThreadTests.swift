import Glibc
import Testing

@testable import ParleyServer

@Suite("The notifications' thread")
struct NotificationThreadTests {
    private static func niceness() -> Int32 { getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) }

    @Test func workOnItRunsAtALowerPriorityOnceLowered() async throws {
        let thread = NotificationThread(name: "test-notify")
        let before = await withTaskExecutorPreference(thread) { Self.niceness() }
        try await thread.lowerPriority()
        let after = await withTaskExecutorPreference(thread) { Self.niceness() }
        #expect(after == max(before, 10))
        #expect(after > Self.niceness())
    }

    @Test func itsEventLoopIsTheThreadItself() async {
        let thread = NotificationThread(name: "test-notify")
        let loop = thread.eventLoopGroup.next()
        let sameThread = await withTaskExecutorPreference(thread) { loop.inEventLoop }
        #expect(sameThread)
    }
}
