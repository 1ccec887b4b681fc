import Foundation

/// Bounds how many tests hold a database (and the servers, threads and child processes built on
/// it) at once. Swift Testing starts every test of the run together; on a two-core machine
/// hundreds of them then share the cores, and a test that allows a few seconds for a delivery or a
/// reply fails for want of a turn. Turns are taken here, in arrival order, so plain `swift test`
/// holds up whatever the runner's own width. `PARLEY_TEST_CONCURRENCY` sets how many (default 12).
public enum TestTurns {
    /// Whether the current task already holds a turn: a test's nested databases share its turn.
    @TaskLocal static var holding = false

    static let width: Int = {
        let setting = ProcessInfo.processInfo.environment["PARLEY_TEST_CONCURRENCY"] ?? ""
        return Int(setting).map { max(1, $0) } ?? 12
    }()

    static let queue = TurnQueue(width: width)

    /// Runs `body` once a turn is free, and frees it however `body` ends.
    public static func take<T>(_ body: () async throws -> T) async throws -> T {
        try await take(on: queue, body)
    }

    static func take<T>(on queue: TurnQueue, _ body: () async throws -> T) async throws -> T {
        if holding { return try await body() }
        await queue.acquire()
        defer { queue.release() }
        return try await $holding.withValue(true) { try await body() }
    }
}
