import Hummingbird
import ParleyCore

/// The chat session list's "all matching" downloads, as CSV or as an Excel workbook.
struct AdminChatSessionExportController {
    let database: Database

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let export = ChatSessionExport(database: database)
        group.get(RouterPath(AdminPath.exportCSV)) { request, _ in
            export.response(for: ChatSessionListQuery(form: FormData(query: request)), format: .csv)
        }
        group.get(RouterPath(AdminPath.exportXLSX)) { request, _ in
            export.response(for: ChatSessionListQuery(form: FormData(query: request)), format: .xlsx)
        }
    }
}
