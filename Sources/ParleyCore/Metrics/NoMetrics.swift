/// Reports nowhere: for commands and tests that keep no metrics.
public struct NoMetrics: MetricsRecorder {
    public init() {}

    public func recordConnectionWait(seconds: Double) {}
    public func recordSendBatch(sends: Int, messagesWritten: Int, path: SendBatchPath) {}
    public func recordBusLag(seconds: Double) {}
}
