/// How sends were grouped, for tests and diagnostics.
public struct SendStatistics: Sendable, Equatable {
    /// Transactions the batcher wrote.
    public var batches = 0
    /// Sends they carried.
    public var sends = 0
    /// PostgreSQL: batches written in one statement, without locks while they were read.
    public var writtenInOneStatement = 0
    /// PostgreSQL: batches tried that way and then written under locks (something changed meanwhile,
    /// or they wrote more than messages and counters).
    public var writtenUnderLock = 0
}
