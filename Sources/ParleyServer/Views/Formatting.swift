import Foundation

/// How times and numbers read in the admin panel. The panel shows UTC throughout, and says so.
enum Formatting {
    /// "2 hours ago", "in 3 minutes", "just now".
    static func relative(_ date: Date, now: Date) -> String {
        let seconds = now.timeIntervalSince(date)
        let magnitude = abs(seconds)
        if magnitude < 45 { return "just now" }
        let (value, unit): (Int, String) =
            switch magnitude {
            case ..<(90 * 60): (Int((magnitude / 60).rounded()), "minute")
            case ..<(36 * 3_600): (Int((magnitude / 3_600).rounded()), "hour")
            case ..<(45 * 86_400): (Int((magnitude / 86_400).rounded()), "day")
            case ..<(548 * 86_400): (Int((magnitude / (30 * 86_400)).rounded()), "month")
            default: (Int((magnitude / (365 * 86_400)).rounded()), "year")
            }
        let phrase = "\(max(1, value)) \(unit)\(max(1, value) == 1 ? "" : "s")"
        return seconds >= 0 ? "\(phrase) ago" : "in \(phrase)"
    }

    /// "11/24/2026, 03:05:09 PM UTC", the spec's form with the zone named.
    static func exact(_ date: Date) -> String {
        let parts = utcComponents(date)
        let hour12 = parts.hour % 12 == 0 ? 12 : parts.hour % 12
        return String(
            format: "%02d/%02d/%04d, %02d:%02d:%02d %@ UTC", parts.month, parts.day, parts.year, hour12, parts.minute,
            parts.second, parts.hour < 12 ? "AM" : "PM")
    }

    /// The value an `<input type="datetime-local" step="1">` holds: "2026-11-24T15:05:09".
    static func inputValue(_ date: Date) -> String {
        let parts = utcComponents(date)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year, parts.month, parts.day, parts.hour, parts.minute,
            parts.second)
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
    static func count(_ value: Int) -> String {
        let digits = String(value)
        var result = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return String(result.reversed())
    }

    /// At most `limit` characters, with an ellipsis when cut.
    static func truncated(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    private static func utcComponents(
        _ date: Date
    ) -> (
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    ) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return (c.year ?? 1970, c.month ?? 1, c.day ?? 1, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }
}
