#if canImport(Glibc)
    import Glibc
#endif
import NIOCore
import NIOPosix

/// The threads bcrypt runs on: half the machine's cores (at least one), so that a burst of
/// sign-ins, honest or not, queues here instead of taking every core from the requests around it.
/// On Linux they also run at a lower scheduling priority, so that while one hashes, the event loops
/// serving everyone else get more of the core. Only somewhat lower (nice 4, about 40 % of a normal
/// thread's share): at nice 10 (about 10 %) a machine kept busy by other work starved sign-ins
/// for over 30 s.
enum PasswordHashingPool {
    static let threads = max(1, System.coreCount / 2)

    private static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
        return pool
    }()

    /// The nice value of the pool's threads.
    static let niceness: Int32 = 4

    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive {
            lowerThisThreadsPriority()
            return try work()
        }
    }

    /// On Linux the nice value belongs to each thread, and `who == 0` names the calling one: this
    /// lowers only the pool thread it runs on. Setting the same value again is allowed.
    private static func lowerThisThreadsPriority() {
        #if os(Linux)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        #endif
    }
}
