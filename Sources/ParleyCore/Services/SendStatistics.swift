/// How sends were grouped, for tests and diagnostics.
public struct SendStatistics: Sendable, Equatable {
    /// Transactions the batcher wrote.
    public var batches = 0
    /// Sends they carried.
    public var sends = 0
    /// Batches written each way; a batch written again after a change counts once, under
    /// ``SendBatchPath/transactionAfterChange``.
    public var paths: [SendBatchPath: Int] = [:]

    /// Batches written `path`'s way.
    public subscript(path: SendBatchPath) -> Int { paths[path, default: 0] }
}
