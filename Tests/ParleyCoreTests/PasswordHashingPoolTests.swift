#if canImport(Glibc)
    import Glibc
#endif
import NIOCore
import Testing

@testable import ParleyCore

/// bcrypt must not starve the requests around it (issue 8, item 2).
@Suite("Password hashing pool")
struct PasswordHashingPoolTests {
    @Test func itUsesHalfTheCoresAtLeastOne() {
        #expect(PasswordHashingPool.threads == max(1, System.coreCount / 2))
    }

    #if os(Linux)
        @Test func hashingRunsAtALowerSchedulingPriority() async throws {
            let nice = try await PasswordHashingPool.run { getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) }
            #expect(nice == PasswordHashingPool.niceness && nice > 0)
            // The caller's own thread is left alone.
            #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) != PasswordHashingPool.niceness)
        }
    #endif
}
