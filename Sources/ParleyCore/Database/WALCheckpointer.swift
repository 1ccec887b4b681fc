import Logging
import NIOCore
import NIOPosix
import SQLiteNIO

/// Copies SQLite's write-ahead log back into the database file from a connection and thread of
/// its own, a few times a second.
///
/// Left to itself SQLite checkpoints inside whichever COMMIT pushes the log past its threshold,
/// so that one writer, and every request queued behind it, waits for the copy and its fsync.
/// A PASSIVE checkpoint here runs beside the writer instead; the writer's own automatic
/// checkpoint stays as a fallback at ``fallbackPages`` should this one fall far behind.
final class WALCheckpointer: Sendable {
    /// Log pages after which the writer checkpoints by itself (about 40 MB).
    static let fallbackPages = 10_000
    static let interval = Duration.milliseconds(200)

    private let connection: SQLiteConnection
    private let threadPool: NIOThreadPool
    private let task: Task<Void, Never>

    private init(connection: SQLiteConnection, threadPool: NIOThreadPool, task: Task<Void, Never>) {
        self.connection = connection
        self.threadPool = threadPool
        self.task = task
    }

    static func start(path: String, logger: Logger) async throws -> WALCheckpointer {
        let threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: threadPool, logger: logger,
                on: MultiThreadedEventLoopGroup.singleton.any()
            ).get()
            _ = try await connection.query("PRAGMA busy_timeout = 10000")
        } catch {
            try? await threadPool.shutdownGracefully()
            throw error
        }
        let task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                do {
                    _ = try await connection.query("PRAGMA wal_checkpoint(PASSIVE)")
                } catch is CancellationError {
                    break  // stopping
                } catch {
                    logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
                }
            }
        }
        return WALCheckpointer(connection: connection, threadPool: threadPool, task: task)
    }

    func stop() async {
        task.cancel()
        _ = await task.value
        try? await connection.close()
        try? await threadPool.shutdownGracefully()
    }
}
