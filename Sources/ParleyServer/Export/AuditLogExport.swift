import Foundation
import Hummingbird
import NIOCore
import ParleyCore

/// The audit log, as filtered on its page, as a CSV download streamed batch by batch.
struct AuditLogExport {
    static let columns = [
        "ID", "At (UTC)", "Administrator ID", "Administrator", "Email", "Action", "Target", "Target IDs", "Summary",
        "Client address",
    ]

    let audit: AuditTrail

    func response(for filter: AuditLogFilter) -> Response {
        let body = ResponseBody { writer in
            let csv = CSVStreamWriter(columns: Self.columns)
            try await writer.write(ByteBuffer(bytes: csv.header()))
            try await audit.forEachBatch(of: filter) { entries in
                var buffer = ByteBuffer()
                for entry in entries { buffer.writeBytes(csv.row(Self.cells(entry))) }
                try await writer.write(buffer)
            }
            try await writer.finish(nil)
        }
        let stamp = Formatting.inputValue(Date()).replacingOccurrences(of: ":", with: "-")
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"audit-log-\(stamp).csv\"",
            ],
            body: body)
    }

    /// Every text cell goes through the CSV writer's formula guard: names and summaries are typed by people.
    static func cells(_ entry: AuditEntry) -> [SpreadsheetCell] {
        [
            .integer(entry.id), .date(entry.createdAt), entry.actorID.map(SpreadsheetCell.integer) ?? .text(""),
            .text(entry.actorName), .text(entry.actorEmail), .text(entry.actionName), .text(entry.targetType),
            .text(entry.targetIDs), .text(entry.summary), .text(entry.clientAddress),
        ]
    }
}
