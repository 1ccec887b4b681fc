import NIOConcurrencyHelpers
import SQLKit

/// Write transactions on SQLite's one writer connection, committed in groups.
///
/// Writers take turns on the connection as with a lock, inside one transaction that stays open
/// while others are queued behind it: a writer that finds someone waiting hands the connection
/// over and waits for a later writer's COMMIT instead of committing itself. The last writer of a
/// group commits for everyone. Under load one COMMIT serves many requests; with no one waiting
/// every writer commits at once, as before.
///
/// Each writer's changes are all-or-nothing: the first of a group owns the transaction and rolls
/// it back when its body throws; every later one works in a savepoint and rolls back to it. No
/// writer returns before its changes are committed, so callers see ordinary transactions.
final class GroupCommitWriter: Sendable {
    private struct State {
        var isBusy = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var transactionOpen = false
        /// Writers whose savepoints were released, waiting for the group's COMMIT.
        var awaitingCommit: [CheckedContinuation<Void, any Error>] = []
        var statistics = WriteStatistics()
    }

    private enum Turn {
        case handOver(CheckedContinuation<Void, Never>)
        case commit
    }

    /// Writers in one transaction at most, so a group's COMMIT comes soon even under load.
    let maximumGroup: Int
    /// Learns how long each writer waited for its turn on the connection.
    private let metrics: any MetricsRecorder
    private let state = NIOLockedValueBox(State())

    init(maximumGroup: Int = 128, metrics: any MetricsRecorder = NoMetrics()) {
        self.maximumGroup = maximumGroup
        self.metrics = metrics
    }

    var statistics: WriteStatistics { state.withLockedValue { $0.statistics } }

    /// Runs `body` as one all-or-nothing write, returning once it is committed.
    func transaction<T>(on db: any SQLDatabase, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        let arrived = ContinuousClock.now
        await acquire()
        metrics.recordConnectionWait(seconds: arrived.duration(to: .now).inSeconds)
        let outcome = await Self.run(
            body, on: db, openTransaction: state.withLockedValue { !$0.transactionOpen },
            transactionChanged: { open in self.state.withLockedValue { $0.transactionOpen = open } })
        let succeeded = if case .success = outcome { true } else { false }
        let turn = state.withLockedValue { state -> Turn in
            let groupSize = state.awaitingCommit.count + (succeeded ? 1 : 0)
            guard state.transactionOpen, !state.waiters.isEmpty, groupSize < maximumGroup else { return .commit }
            return .handOver(state.waiters.removeFirst())
        }
        switch turn {
        case .handOver(let next):
            guard succeeded else {
                next.resume()
                return try outcome.get()
            }
            // Registered before the next writer runs, so its COMMIT cannot miss this one.
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                state.withLockedValue { $0.awaitingCommit.append(continuation) }
                next.resume()
            }
            return try outcome.get()
        case .commit:
            let commitError = await commit(on: db)
            if let commitError, succeeded { throw commitError }
            return try outcome.get()
        }
    }

    /// Runs `body` with the connection to itself and no transaction open, as closing does.
    func exclusive<T>(_ body: () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    /// The first writer of a group owns the transaction alone, so it needs no savepoint: when it
    /// fails, rolling the transaction back undoes only its changes. Later writers of the group
    /// each work inside a savepoint.
    private static func run<T>(
        _ body: (any SQLDatabase) async throws -> T, on db: any SQLDatabase, openTransaction: Bool,
        transactionChanged: (Bool) -> Void
    ) async -> Result<T, any Error> {
        do {
            if openTransaction {
                try await db.raw("BEGIN IMMEDIATE").run()
                transactionChanged(true)
            } else {
                try await db.raw("SAVEPOINT parley_write").run()
            }
        } catch {
            return .failure(error)
        }
        do {
            let value = try await body(db)
            if !openTransaction { try await db.raw("RELEASE parley_write").run() }
            return .success(value)
        } catch {
            if openTransaction {
                try? await db.raw("ROLLBACK").run()
                transactionChanged(false)
            } else {
                try? await db.raw("ROLLBACK TO parley_write").run()
                try? await db.raw("RELEASE parley_write").run()
            }
            return .failure(error)
        }
    }

    /// Commits the open transaction for the whole group, wakes its writers and passes the
    /// connection on. Returns the COMMIT's error, which every writer of the group receives.
    private func commit(on db: any SQLDatabase) async -> (any Error)? {
        var commitError: (any Error)?
        if state.withLockedValue({ $0.transactionOpen }) {
            do {
                try await db.raw("COMMIT").run()
            } catch {
                commitError = error
                try? await db.raw("ROLLBACK").run()
            }
        }
        let group = state.withLockedValue { state in
            if commitError == nil, state.transactionOpen {
                state.statistics.commits += 1
                state.statistics.groupedWrites += state.awaitingCommit.count
            }
            state.transactionOpen = false
            defer { state.awaitingCommit = [] }
            return state.awaitingCommit
        }
        for writer in group {
            if let commitError { writer.resume(throwing: commitError) } else { writer.resume() }
        }
        release()
        return commitError
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLockedValue { state -> Bool in
                guard state.isBusy else {
                    state.isBusy = true
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if acquired { continuation.resume() }
        }
    }

    /// Passes the connection straight to the next writer, so nobody barges in between.
    private func release() {
        let next = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiters.isEmpty else {
                state.isBusy = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}

/// How writes were committed, for tests and diagnostics.
public struct WriteStatistics: Sendable, Equatable {
    /// COMMITs run.
    public var commits = 0
    /// Writes committed by another writer's COMMIT rather than their own.
    public var groupedWrites = 0
}
