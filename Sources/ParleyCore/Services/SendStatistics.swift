/// How sends were grouped, for tests and diagnostics.
public struct SendStatistics: Sendable, Equatable {
    /// Transactions the batcher wrote.
    public var batches = 0
    /// Sends they carried.
    public var sends = 0
}
