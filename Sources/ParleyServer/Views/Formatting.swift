import Foundation
import ParleyCore

/// How times and numbers read in the admin panel. The panel shows UTC throughout, and says so.
enum Formatting {
    /// "2 hours ago", "1 year ago", "3 minutes from now", as Filament shows times (Carbon's
    /// `diffForHumans`): the largest whole unit, counted down, never rounded up, so 1 year and 11
    /// months is "1 year ago". Months and years are calendar months and years (UTC).
    static func relative(_ date: Date, now: Date) -> String {
        let isFuture = date > now
        let (from, to) = isFuture ? (now, date) : (date, now)
        let phrase = span(from: from, to: to)
        return isFuture ? phrase + " from now" : phrase + " ago"
    }

    private static func span(from: Date, to: Date) -> String {
        let a = utcComponents(from)
        let b = utcComponents(to)
        var months = (b.year - a.year) * 12 + (b.month - a.month)
        // A month is complete only once the same day and time of day come round again.
        if (b.day, b.hour, b.minute, b.second) < (a.day, a.hour, a.minute, a.second) { months -= 1 }
        if months >= 12 { return counted(months / 12, "year") }
        if months >= 1 { return counted(months, "month") }
        let seconds = max(1, Int(to.timeIntervalSince(from).rounded(.down)))
        let days = seconds / 86_400
        if days >= 7 { return counted(days / 7, "week") }
        if days >= 1 { return counted(days, "day") }
        if seconds >= 3_600 { return counted(seconds / 3_600, "hour") }
        if seconds >= 60 { return counted(seconds / 60, "minute") }
        return counted(seconds, "second")
    }

    /// "11/24/2026, 03:05:09 PM UTC", the spec's form with the zone named.
    static func exact(_ date: Date) -> String {
        let p = utcComponents(date)
        let hour12 = p.hour % 12 == 0 ? 12 : p.hour % 12
        return "\(pad(p.month))/\(pad(p.day))/\(p.year), \(pad(hour12)):\(pad(p.minute)):\(pad(p.second)) "
            + (p.hour < 12 ? "AM" : "PM") + " UTC"
    }

    /// The value an `<input type="datetime-local" step="1">` holds: "2026-11-24T15:05:09".
    static func inputValue(_ date: Date) -> String {
        let p = utcComponents(date)
        return "\(p.year)-\(pad(p.month))-\(pad(p.day))T\(pad(p.hour)):\(pad(p.minute)):\(pad(p.second))"
    }

    private static func pad(_ value: Int) -> String {
        value < 10 ? "0\(value)" : String(value)
    }

    /// "2026-11-24 15:05:09" for exports: sorts as text and reads the same everywhere.
    static func export(_ date: Date?) -> String {
        guard let date else { return "" }
        return inputValue(date).replacingOccurrences(of: "T", with: " ")
    }

    /// Reads a date-time typed into the form, as UTC: the picker's "2026-11-24T15:05(:09)" or the
    /// displayed "11/24/2026, 03:05:09 PM".
    static func parseDateTime(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " UTC", with: "")
        for format in [
            "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "MM/dd/yyyy, hh:mm:ss a",
            "MM/dd/yyyy, hh:mm a", "MM/dd/yyyy hh:mm:ss a",
        ] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return date }
        }
        return nil
    }

    /// "1,204".
    static func count(_ value: Int) -> String { AuditSummary.grouped(value) }

    /// "1 message", "1,204 messages": a count with its noun, singular for one.
    static func counted(_ value: Int, _ noun: String) -> String { AuditSummary.counted(value, noun) }

    /// At most `limit` characters, with an ellipsis when cut.
    static func truncated(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// Calendar fields of a UTC instant by arithmetic (Howard Hinnant's days-to-civil), because
    /// Foundation's calendars and formatters cost more than the rest of a list row to build.
    static func utcComponents(
        _ date: Date
    ) -> (
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    ) {
        let seconds = Int((date.timeIntervalSince1970).rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day, secondOfDay / 3_600, (secondOfDay % 3_600) / 60, secondOfDay % 60)
    }

    /// "2026-11-24T15:05:09Z".
    static func iso8601(_ date: Date) -> String {
        inputValue(date) + "Z"
    }
}
