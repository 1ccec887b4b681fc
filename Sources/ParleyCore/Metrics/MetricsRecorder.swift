/// What the core reports for the server's metrics (`GET /metrics`). The server's Prometheus
/// registry implements it; the core never learns how the numbers are kept or shown.
///
/// Calls come from any thread and must return at once.
public protocol MetricsRecorder: Sendable {
    /// How long an operation waited for a database connection: a PostgreSQL connection from the
    /// pool, or SQLite's one writer connection (readers never wait).
    func recordConnectionWait(seconds: Double)

    /// One batch the send batcher wrote: the sends it held, the messages it wrote (fewer when a
    /// send was refused or answered by an earlier message under its client message id), and how
    /// it was written.
    func recordSendBatch(sends: Int, messagesWritten: Int, path: SendBatchPath)

    /// How long an event took from the instance that published it to this one, for a bus that
    /// crosses instances: the time it was received here minus the time it was published.
    func recordBusLag(seconds: Double)
}
