/// How a batch of sends reached the database, for the operators' metrics and the tests.
public enum SendBatchPath: String, Sendable, CaseIterable {
    /// PostgreSQL: read without locks, then written in one statement with no transaction around it.
    case oneStatement = "one_statement"
    /// Tried as ``oneStatement``, but a session had changed between the read and the write, so
    /// nothing was written and the batch went again as a ``transaction``. Frequent retries mean
    /// writers elsewhere (other instances, administrators) keep changing the same conversations.
    case transactionAfterChange = "transaction_after_change"
    /// A transaction that locks its sessions as it reads them: every batch on SQLite, and on
    /// PostgreSQL a batch that also opens a moderation case or writes an audit entry.
    case transaction
}
