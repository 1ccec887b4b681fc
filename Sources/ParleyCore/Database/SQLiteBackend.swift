import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit

/// SQLite in WAL mode: one writer connection whose transactions are committed in groups, and a
/// few reader connections.
///
/// WAL lets readers proceed while a write transaction is open, and a single writer inside the
/// process means transactions queue in memory rather than fail with SQLITE_BUSY.
final class SQLiteBackend: Sendable {
    private let threadPool: NIOThreadPool
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let writeQueue: GroupCommitWriter
    private let nextReader = NIOLockedValueBox(0)

    private let checkpointer: WALCheckpointer

    private init(
        threadPool: NIOThreadPool, writer: SQLiteConnection, readers: [SQLiteConnection], checkpointer: WALCheckpointer,
        metrics: any MetricsRecorder
    ) {
        self.threadPool = threadPool
        self.writeQueue = GroupCommitWriter(metrics: metrics)
        self.writer = writer
        self.readers = readers
        self.checkpointer = checkpointer
    }

    static func open(
        path: String, readers readerCount: Int, synchronous: DatabaseConfiguration.SQLiteSynchronous, logger: Logger,
        metrics: any MetricsRecorder
    ) async throws -> SQLiteBackend {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw DatabaseUnavailable(
                description: "cannot create the directory \(directory) for the SQLite database: \(error)")
        }
        let threadPool = NIOThreadPool(numberOfThreads: readerCount + 1)
        threadPool.start()
        let eventLoops = MultiThreadedEventLoopGroup.singleton
        var opened: [SQLiteConnection] = []
        do {
            for index in 0...readerCount {
                let connection = try await SQLiteConnection.open(
                    storage: .file(path: path), threadPool: threadPool, logger: logger, on: eventLoops.any()
                ).get()
                opened.append(connection)
                // journal_mode is stored in the file, so the first connection sets it for everyone.
                if index == 0 { _ = try await connection.query("PRAGMA journal_mode = WAL") }
                _ = try await connection.query("PRAGMA busy_timeout = 10000")
                _ = try await connection.query("PRAGMA foreign_keys = ON")
                _ = try await connection.query("PRAGMA synchronous = \(synchronous.rawValue.uppercased())")
                _ = try await connection.query("PRAGMA cache_size = -65536")
                _ = try await connection.query("PRAGMA temp_store = MEMORY")
                // The writer leaves checkpoints to the checkpointer unless the log grows far behind.
                if index == 0 {
                    _ = try await connection.query("PRAGMA wal_autocheckpoint = \(WALCheckpointer.fallbackPages)")
                }
            }
        } catch {
            for connection in opened { try? await connection.close() }
            try? await threadPool.shutdownGracefully()
            throw DatabaseUnavailable(description: "cannot open the SQLite database at \(path): \(error)")
        }
        let checkpointer: WALCheckpointer
        do {
            checkpointer = try await WALCheckpointer.start(path: path, logger: logger)
        } catch {
            for connection in opened { try? await connection.close() }
            try? await threadPool.shutdownGracefully()
            throw DatabaseUnavailable(description: "cannot open the SQLite database at \(path): \(error)")
        }
        return SQLiteBackend(
            threadPool: threadPool, writer: opened[0], readers: Array(opened.dropFirst()), checkpointer: checkpointer,
            metrics: metrics)
    }

    func read<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        let index = nextReader.withLockedValue { value -> Int in
            value = (value + 1) % readers.count
            return value
        }
        return try await body(readers[index].sql(queryLogLevel: .trace))
    }

    /// Runs `body` as one write transaction: committed when it returns, rolled back when it throws.
    ///
    /// The body runs on ``DatabaseThread``, whoever calls: it holds the one writer that every other
    /// write waits for, so between its statements it must not queue behind its caller's other work
    /// (a request handler's neighbours on the cooperative pool, or the notification thread's HTTP
    /// traffic and payload building, at a lower priority). Measured in BENCHMARKS.md: with the
    /// notification thread lowered and the bodies still on it, sends slowed more than without.
    func transaction<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(DatabaseThread.shared) {
            try await writeQueue.transaction(on: writer.sql(queryLogLevel: .trace), body)
        }
    }

    var writeStatistics: WriteStatistics { writeQueue.statistics }

    func close() async {
        await checkpointer.stop()
        await writeQueue.exclusive {
            for connection in [writer] + readers { try? await connection.close() }
        }
        try? await threadPool.shutdownGracefully()
    }
}
