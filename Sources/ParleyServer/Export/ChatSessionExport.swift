import Foundation
import Hummingbird
import NIOCore
import ParleyCore

/// Chat sessions as a CSV or Excel download, in the order of the list they were exported from,
/// streamed batch by batch so that memory stays flat however many rows go out.
struct ChatSessionExport {
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
        SpreadsheetColumn("ID", width: 10), SpreadsheetColumn("Product", width: 40),
        SpreadsheetColumn("Customer", width: 24), SpreadsheetColumn("Vendor", width: 24),
        SpreadsheetColumn("Messages Count", width: 16), SpreadsheetColumn("Unread Messages", width: 17),
        SpreadsheetColumn("Last Message At (UTC)", width: 21), SpreadsheetColumn("Created At (UTC)", width: 20),
        SpreadsheetColumn("Updated At (UTC)", width: 20),
    ]

    let database: Database

    /// Every session the list at `query` shows, over all its pages, in its order.
    func response(for query: ChatSessionListQuery, format: Format) -> Response {
        response(query, ids: nil, format: format)
    }

    /// The sessions `ids`, in the order of the list they were chosen on: `listURL`, a path with
    /// the list's query string. Its search and filters do not apply to chosen sessions.
    func response(selected ids: [Int64], listedAt listURL: String, format: Format) -> Response {
        let query = listURL.firstIndex(of: "?").map { start in
            ChatSessionListQuery(form: FormData(String(listURL[listURL.index(after: start)...])))
        }
        return response(query ?? ChatSessionListQuery(), ids: ids, format: format)
    }

    private func response(_ query: ChatSessionListQuery, ids: [Int64]?, format: Format) -> Response {
        let listing = ChatSessionListing(database: database)
        let body = ResponseBody { writer in
            switch format {
            case .csv:
                let csv = CSVStreamWriter(columns: Self.columns.map(\.title))
                try await writer.write(ByteBuffer(bytes: csv.header()))
                try await listing.forEachBatch(of: query, ids: ids) { rows in
                    var buffer = ByteBuffer()
                    for row in rows { buffer.writeBytes(csv.row(Self.cells(row))) }
                    try await writer.write(buffer)
                }
            case .xlsx:
                let sheet = try XLSXStreamWriter(sheetName: "Chat Sessions", columns: Self.columns)
                try await writer.write(sheet.begin())
                try await listing.forEachBatch(of: query, ids: ids) { rows in
                    for row in rows { sheet.append(Self.cells(row)) }
                    let compressed = try sheet.flush()
                    if compressed.readableBytes > 0 { try await writer.write(compressed) }
                }
                try await writer.write(sheet.finish())
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
            .integer(row.id), .text(row.productName), .text(row.customerName), .text(row.vendorName),
            .integer(row.messagesCount), .integer(row.unreadCount), .date(row.lastMessageAt), .date(row.createdAt),
            .date(row.updatedAt),
        ]
    }
}
