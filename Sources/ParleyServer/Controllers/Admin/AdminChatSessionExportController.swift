import Hummingbird
import ParleyCore

/// The chat session list's "all matching" downloads, as CSV or as an Excel workbook.
struct AdminChatSessionExportController {
    let database: Database
    let audit: AuditTrail

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let export = ChatSessionExport(database: database)
        for format in [ChatSessionExport.Format.csv, .xlsx] {
            let path = format == .csv ? AdminPath.exportCSV : AdminPath.exportXLSX
            group.get(RouterPath(path)) { request, context in
                try await audit.record(
                    .export, by: context, target: .chatSession,
                    summary: "\(format.rawValue.uppercased()) of the chat session list"
                        + (request.uri.query.map { " (\($0))" } ?? ""))
                return export.response(for: ChatSessionListQuery(form: FormData(query: request)), format: format)
            }
        }
    }
}
