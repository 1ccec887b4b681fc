import Foundation
import Hummingbird
import ParleyCore

/// The audit log: what administrators did, newest first, filtered, and as CSV. Read-only: there
/// is no route that changes an entry.
struct AdminAuditController {
    let audit: AuditTrail
    let pages: AdminPages

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(RouterPath(AdminPath.audit), use: index)
        group.get(RouterPath(AdminPath.auditExportCSV), use: export)
    }

    @Sendable func index(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let form = FormData(query: request)
        let filters = AuditFilters(form)
        let page = max(1, form["page"].flatMap { Int($0) } ?? 1)
        // A filter that could not be read shows no rows rather than rows it would have hidden.
        let result =
            filters.hasErrors
            ? ([], 0) : try await audit.page(filters.filter, page: page, perPage: AuditIndexModel.perPage)
        let model = AuditIndexModel(
            layout: await pages.layout(for: request, session: session, section: .audit), filters: filters,
            actors: try await audit.actors(), page: page, result: result, now: Date())
        return pages.page(
            "audit/index", model, request: request, status: filters.hasErrors ? .unprocessableContent : .ok)
    }

    /// The export is itself an audited action.
    @Sendable func export(request: Request, context: AppRequestContext) async throws -> Response {
        let filters = AuditFilters(FormData(query: request))
        guard !filters.hasErrors else {
            throw HTTPError(.unprocessableContent, message: "Enter dates like 2026-11-24.")
        }
        let query = filters.query()
        try await audit.record(
            .export, by: context, target: .auditLog,
            summary: "CSV of the audit log" + (query.isEmpty ? "" : " (\(query.dropFirst()))"))
        return AuditLogExport(audit: audit).response(for: filters.filter)
    }
}
