import Foundation

/// Builds the words of an audit entry's summary.
public enum AuditSummary {
    /// The fields that changed, as `label: old → new`, joined by `; `; "no change" when none did.
    public static func changes(_ fields: [(label: String, old: String, new: String)]) -> String {
        let changed = fields.filter { $0.old != $0.new }.map { "\($0.label): \($0.old) → \($0.new)" }
        return changed.isEmpty ? "no change" : changed.joined(separator: "; ")
    }

    /// `on` or `off`.
    public static func onOff(_ value: Bool) -> String { value ? "on" : "off" }

    /// A record id as it reads in a summary, `#12`; `none` for nil.
    public static func id(_ id: Int64?) -> String { id.map { "#\($0)" } ?? "none" }

    /// "1 message", "1,204 messages": a count with its noun, singular for one.
    public static func counted(_ value: Int, _ noun: String) -> String {
        "\(grouped(value)) \(noun)\(value == 1 ? "" : "s")"
    }

    /// "1,204": digits in groups of three.
    public static func grouped(_ value: Int) -> String {
        var result = ""
        for (index, character) in String(value).reversed().enumerated() {
            if index > 0 && index % 3 == 0 && character != "-" { result.append(",") }
            result.append(character)
        }
        return String(result.reversed())
    }

    /// "2026-11-24 15:05:09" in UTC, as exports write times; `none` for nil.
    public static func time(_ date: Date?) -> String {
        guard let date else { return "none" }
        return date.formatted(
            Date.ISO8601FormatStyle(dateSeparator: .dash, dateTimeSeparator: .space, timeZone: .gmt)
                .year().month().day().time(includingFractionalSeconds: false))
    }
}
