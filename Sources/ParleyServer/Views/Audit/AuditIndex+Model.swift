import Foundation
import ParleyCore

/// The audit log page: one page of entries, newest first, with its filters and the CSV link.
struct AuditIndexModel {
    static let perPage = 50

    struct Row {
        let id: Int64
        let createdAt: TimeModel
        let actor: String
        let actorEmail: String
        let action: String
        let target: String
        let summary: String
        let clientAddress: String
    }

    struct Option {
        let value: String
        let label: String
        let isSelected: Bool
    }

    let layout: LayoutModel
    let filters: AuditFilters
    let actors: [Option]
    let actions: [Option]
    let rows: [Row]
    let hasRows: Bool
    let summary: String
    let exportURL: String
    let resetURL: String
    let isFiltered: Bool
    let previousURL: String?
    let nextURL: String?

    init(
        layout: LayoutModel, filters: AuditFilters, actors: [AuditActor], page: Int,
        result: (entries: [AuditEntry], total: Int), now: Date
    ) {
        self.layout = layout
        self.filters = filters
        self.actors = actors.compactMap { actor in
            actor.id.map {
                Option(
                    value: String($0), label: "\(actor.name) (\(actor.email))",
                    isSelected: String($0) == filters.actor)
            }
        }
        actions = AuditAction.allCases.map {
            Option(value: $0.rawValue, label: $0.label, isSelected: $0.rawValue == filters.action)
        }
        rows = result.entries.map { entry in
            Row(
                id: entry.id, createdAt: TimeModel(entry.createdAt, now: now),
                actor: entry.actorName.isEmpty ? "—" : entry.actorName, actorEmail: entry.actorEmail,
                action: entry.action?.label ?? entry.actionName, target: Self.target(entry), summary: entry.summary,
                clientAddress: entry.clientAddress)
        }
        hasRows = !rows.isEmpty
        let first = (max(1, page) - 1) * Self.perPage
        summary =
            result.total == 0
            ? "No entries"
            : "Showing \(first + 1) to \(first + rows.count) of \(Formatting.count(result.total)) "
                + (result.total == 1 ? "entry" : "entries")
        exportURL = AdminPath.auditExportCSV + filters.query()
        resetURL = AdminPath.audit
        isFiltered = !filters.query().isEmpty
        previousURL = page > 1 ? AdminPath.audit + filters.query(page: page - 1) : nil
        nextURL = first + rows.count < result.total ? AdminPath.audit + filters.query(page: page + 1) : nil
    }

    /// `chat_session #3, #4` as a page shows it.
    static func target(_ entry: AuditEntry) -> String {
        guard !entry.targetType.isEmpty else { return "" }
        let ids = entry.targetIDs.split(separator: ",").map { "#\($0)" }
        let shown = ids.prefix(10).joined(separator: ", ") + (ids.count > 10 ? " and \(ids.count - 10) more" : "")
        return entry.targetType.replacingOccurrences(of: "_", with: " ") + (shown.isEmpty ? "" : " " + shown)
    }
}
