import NIOCore
import NIOPosix

/// The threads bcrypt runs on: half the machine's cores (at least one), so that a burst of
/// sign-ins, honest or not, queues here instead of taking every core from the requests around it.
enum PasswordHashingPool {
    static let threads = max(1, System.coreCount / 2)

    private static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
        return pool
    }()

    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(work)
    }
}
