import Logging

/// Plain-text logs (`LOG_FORMAT=text`, the default), line for line what swift-log's
/// `StreamLogHandler` writes, but with the metadata formatted when a line is written rather than
/// each time it changes. `StreamLogHandler` formats its metadata on every change, and every request
/// changes it (Hummingbird gives each request's logger its id), though at the usual levels almost
/// no request writes a line.
public struct TextLogHandler: LogHandler {
    /// Makes the handler that writes one line, given the label and the metadata provider.
    public typealias Writer = @Sendable (String, Logger.MetadataProvider?) -> StreamLogHandler

    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let writer: Writer

    public init(
        label: String, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider,
        writer: @escaping Writer = { StreamLogHandler.standardError(label: $0, metadataProvider: $1) }
    ) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.writer = writer
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var handler = writer(label, metadataProvider)
        handler.logLevel = logLevel
        handler.metadata = metadata
        handler.log(event: event)
    }
}
