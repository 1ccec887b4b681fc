/// What happens to a message in which the detector finds contact details (System Settings).
public enum ContactDetailPolicy: String, Sendable, CaseIterable {
    /// Delivered as written, not flagged.
    case allow
    /// Delivered as written, flagged and queued for a moderator.
    case flag
    /// Delivered with each detected span replaced by ``ContactDetailDetector/redaction``; the text as
    /// written is kept for administrators. Flagged and queued like ``flag``.
    case hide
}
