/// One action to append to the audit log. The summary says what changed in words an
/// administrator reads; it never holds a password, a token or a secret.
public struct AuditRecord: Sendable, Equatable {
    public var actor: AuditActor
    public var action: AuditAction
    public var target: AuditTarget
    public var targetIDs: [Int64]
    public var summary: String
    /// The client's IP address as ``ClientOrigin`` believes it; empty for the command line.
    public var clientAddress: String

    public init(
        actor: AuditActor, action: AuditAction, target: AuditTarget = .none, targetIDs: [Int64] = [],
        summary: String = "", clientAddress: String = ""
    ) {
        self.actor = actor
        self.action = action
        self.target = target
        self.targetIDs = targetIDs
        self.summary = summary
        self.clientAddress = clientAddress
    }
}
