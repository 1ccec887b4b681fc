/// The administrator the current task acts for, and the address they came from. The admin panel
/// sets it around each signed-in request; `parley` commands set it for the command line. Services
/// read it to append the audit entry of an action inside the action's own transaction, so an
/// action is never done without its entry, nor recorded without being done.
public struct AuditContext: Sendable, Equatable {
    public var actor: AuditActor
    /// The client's IP address as ``ClientOrigin`` believes it; empty for the command line.
    public var clientAddress: String

    public init(actor: AuditActor, clientAddress: String) {
        self.actor = actor
        self.clientAddress = clientAddress
    }

    /// A `parley` command run on the server.
    public static let commandLine = AuditContext(actor: .commandLine, clientAddress: "")

    /// Nil outside an administrator's action: the API, background work, tests of the services.
    @TaskLocal public static var current: AuditContext?

    /// The entry for `action`, done by this actor.
    func record(_ action: AuditAction, target: AuditTarget, ids: [Int64], summary: String) -> AuditRecord {
        AuditRecord(
            actor: actor, action: action, target: target, targetIDs: ids, summary: summary,
            clientAddress: clientAddress)
    }
}
