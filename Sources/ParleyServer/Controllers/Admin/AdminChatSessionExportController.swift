import Foundation
import Hummingbird
import NIOCore
import ParleyCore

/// Exports chat sessions as CSV or as an Excel workbook, streamed batch by batch so that a
/// hundred thousand rows never sit in memory at once.
struct AdminChatSessionExportController {
    enum Format: String {
        case csv
        case xlsx

        var contentType: String {
            switch self {
            case .csv: "text/csv; charset=utf-8"
            case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }

    static let columns = [
        "Product", "Customer", "Vendor", "Messages Count", "Unread Messages", "Last Message At (UTC)",
        "Created At (UTC)", "Updated At (UTC)",
    ]

    let database: Database

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(RouterPath(AdminPath.exportCSV)) { request, _ in
            export(ChatSessionListQuery(parameters: request.uri.queryParameters), ids: nil, format: .csv)
        }
        group.get(RouterPath(AdminPath.exportXLSX)) { request, _ in
            export(ChatSessionListQuery(parameters: request.uri.queryParameters), ids: nil, format: .xlsx)
        }
    }

    /// A download of the sessions matching `query`, or only `ids` when given.
    func export(_ query: ChatSessionListQuery, ids: [Int64]?, format: Format) -> Response {
        let listing = ChatSessionListing(database: database)
        let body = ResponseBody { writer in
            switch format {
            case .csv:
                let csv = CSVStreamWriter(columns: Self.columns)
                try await writer.write(ByteBuffer(bytes: csv.header()))
                try await listing.forEachBatch(of: query, ids: ids) { rows in
                    var buffer = ByteBuffer()
                    for row in rows { buffer.writeBytes(csv.row(Self.cells(row))) }
                    try await writer.write(buffer)
                }
            case .xlsx:
                var sheet = XLSXStreamWriter(sheetName: "Chat Sessions", columns: Self.columns)
                try await writer.write(ByteBuffer(bytes: sheet.begin()))
                try await listing.forEachBatch(of: query, ids: ids) { rows in
                    var buffer = ByteBuffer()
                    for row in rows { buffer.writeBytes(sheet.row(Self.cells(row))) }
                    try await writer.write(buffer)
                }
                try await writer.write(ByteBuffer(bytes: sheet.finish()))
            }
            try await writer.finish(nil)
        }
        let stamp = Formatting.inputValue(Date()).replacingOccurrences(of: ":", with: "-")
        return Response(
            status: .ok,
            headers: [
                .contentType: format.contentType, .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"chat-sessions-\(stamp).\(format.rawValue)\"",
            ],
            body: body)
    }

    static func cells(_ row: ChatSessionRow) -> [SpreadsheetCell] {
        [
            .text(row.productName), .text(row.customerName), .text(row.vendorName), .integer(row.messagesCount),
            .integer(row.unreadCount), .date(row.lastMessageAt), .date(row.createdAt), .date(row.updatedAt),
        ]
    }
}
