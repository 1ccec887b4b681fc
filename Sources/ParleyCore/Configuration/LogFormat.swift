/// How log lines are written (`LOG_FORMAT`).
public enum LogFormat: String, Sendable, Equatable, CaseIterable {
    /// One human-readable line per message, as swift-log's stream handler writes it.
    case text
    /// One JSON object per line (``JSONLogHandler``), for log collectors.
    case json
}
