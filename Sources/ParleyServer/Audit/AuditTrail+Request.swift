import Hummingbird
import ParleyCore

extension AuditTrail {
    /// Records an action of the signed-in administrator, from the address the request came from.
    func record(
        _ action: AuditAction, by context: AppRequestContext, target: AuditTarget = .none, ids: [Int64] = [],
        summary: String = ""
    ) async throws {
        let session = try context.requireSession()
        try await record(
            AuditRecord(
                actor: AuditActor(session.user), action: action, target: target, targetIDs: ids, summary: summary,
                clientAddress: context.client.address))
    }
}

extension AppRequestContext {
    /// The signed-in administrator as the audit log names them.
    var auditActor: AuditActor {
        webSession.map { AuditActor($0.user) } ?? .unknown(email: "")
    }
}
