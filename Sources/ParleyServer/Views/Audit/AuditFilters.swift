import Foundation
import ParleyCore

/// The audit log page's filters as typed (`actor`, `action`, `from`, `to`, dates as YYYY-MM-DD in
/// UTC, `to` included), and the filter they make. A date that does not read is reported, not guessed.
struct AuditFilters {
    let actor: String
    let action: String
    let from: String
    let to: String
    let filter: AuditLogFilter
    let errors: [String: String]

    init(_ form: FormData) {
        actor = form.trimmed("actor")
        action = form.trimmed("action")
        from = form.trimmed("from")
        to = form.trimmed("to")
        var errors: [String: String] = [:]
        var filter = AuditLogFilter(actorID: Int64(actor), action: AuditAction(rawValue: action))
        if !from.isEmpty {
            filter.from = Self.day(from)
            if filter.from == nil { errors["from"] = "Enter a date like 2026-11-24." }
        }
        if !to.isEmpty {
            filter.until = Self.day(to)?.addingTimeInterval(86_400)
            if filter.until == nil { errors["to"] = "Enter a date like 2026-11-24." }
        }
        self.filter = filter
        self.errors = errors
    }

    var hasErrors: Bool { !errors.isEmpty }

    /// The query string that reproduces these filters, with `page` when past the first.
    func query(page: Int = 1) -> String {
        let fields =
            [("actor", actor), ("action", action), ("from", from), ("to", to)].filter { !$0.1.isEmpty }
            + (page > 1 ? [("page", String(page))] : [])
        guard !fields.isEmpty else { return "" }
        return "?"
            + fields.map { name, value in
                name + "=" + (value.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? "")
            }.joined(separator: "&")
    }

    /// Midnight UTC of a YYYY-MM-DD date.
    static func day(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 3, let year = parts[0], let month = parts[1], let day = parts[2],
            (1...12).contains(month), (1...31).contains(day), (1970...9999).contains(year)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day)
        guard components.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: components)
    }
}
