import Foundation

/// What the audit log page narrows its list to; every field nil lists everything.
public struct AuditLogFilter: Sendable, Equatable {
    public var actorID: Int64?
    public var action: AuditAction?
    /// Entries at or after this moment.
    public var from: Date?
    /// Entries before this moment.
    public var until: Date?

    public init(actorID: Int64? = nil, action: AuditAction? = nil, from: Date? = nil, until: Date? = nil) {
        self.actorID = actorID
        self.action = action
        self.from = from
        self.until = until
    }
}
