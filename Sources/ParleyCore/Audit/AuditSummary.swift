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
}
