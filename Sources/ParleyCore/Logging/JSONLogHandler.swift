import Foundation
import Logging
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes each log message as one JSON object on one line (`LOG_FORMAT=json`), for collectors that
/// read structured logs:
///
/// ```json
/// {"time":"2026-11-25T10:04:05.120Z","level":"info","label":"parley","message":"Request",
///  "metadata":{"hb.request.method":"GET","hb.request.path":"/healthz"},"source":"ParleyServer"}
/// ```
///
/// `time` is ISO 8601 in UTC with milliseconds. Metadata is flattened to strings, keys in order: a
/// nested dictionary's keys join their parent's with a dot (`a.b`), an array's items are keyed by
/// their position (`a.0`). An error given to the logger appears as `error`.
public struct JSONLogHandler: LogHandler {
    /// Takes one finished line, newline included.
    public typealias Output = @Sendable (String) -> Void

    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let output: Output

    public init(
        label: String, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider,
        output: @escaping Output = JSONLogHandler.standardError
    ) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let given = event.metadata { merged.merge(given) { $1 } }
        var line = "{\"time\":"
        JSONString.append(Self.timeFormat.format(Date()), to: &line)
        line += ",\"level\":"
        JSONString.append(event.level.rawValue, to: &line)
        line += ",\"label\":"
        JSONString.append(label, to: &line)
        line += ",\"message\":"
        JSONString.append(event.message.description, to: &line)
        line += ",\"metadata\":{"
        var flattened: [(key: String, value: String)] = []
        Self.flatten(merged, prefix: "", into: &flattened)
        // A flat key written out ("a.b") wins over the same key reached through nesting.
        let fields = Dictionary(flattened, uniquingKeysWith: { $1 }).sorted { $0.key < $1.key }
        for (index, field) in fields.enumerated() {
            if index > 0 { line += "," }
            JSONString.append(field.key, to: &line)
            line += ":"
            JSONString.append(field.value, to: &line)
        }
        line += "}"
        if let error = event.error {
            line += ",\"error\":"
            JSONString.append(String(describing: error), to: &line)
        }
        line += ",\"source\":"
        JSONString.append(event.source, to: &line)
        line += "}\n"
        output(line)
    }

    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// Nested values as `parent.child` keys with string values.
    private static func flatten(
        _ metadata: Logger.Metadata, prefix: String, into fields: inout [(key: String, value: String)]
    ) {
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            flatten(value, key: prefix + key, into: &fields)
        }
    }

    private static func flatten(
        _ value: Logger.Metadata.Value, key: String, into fields: inout [(key: String, value: String)]
    ) {
        switch value {
        case .string(let text): fields.append((key, text))
        case .stringConvertible(let convertible): fields.append((key, convertible.description))
        case .dictionary(let dictionary): flatten(dictionary, prefix: key + ".", into: &fields)
        case .array(let items):
            for (index, item) in items.enumerated() { flatten(item, key: "\(key).\(index)", into: &fields) }
        }
    }

    // MARK: Standard error

    /// Lines from every logger take turns, so two never mix.
    private static let writeLock = NIOLock()

    /// Writes lines to standard error, one `write` each.
    public static let standardError: Output = { line in
        let bytes = Array(line.utf8)
        writeLock.withLock {
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0, errno == EINTR {
                        continue
                    } else {
                        return  // Nowhere left to log to.
                    }
                }
            }
        }
    }
}
