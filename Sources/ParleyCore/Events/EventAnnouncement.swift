import Foundation

/// The NOTIFY payload that announces a logged batch on PostgreSQL:
/// `{"o": origin, "a": first position, "b": last position, "t": epoch milliseconds, "e": [events]}`,
/// the events only when they fit under PostgreSQL's 8,000-byte limit; otherwise listeners read
/// them from the log. Written in two parts around the positions, which the database fills in.
struct EventAnnouncement: Decodable {
    /// The longest payload sent, under PostgreSQL's limit of 8,000 bytes.
    static let maximumPayload = 7_800
    /// Room for the opening, the positions and the time.
    static let framing = 120

    let o: String
    let a: Int64
    let b: Int64
    let t: Int64
    let e: [ChatEvent]?

    /// The announcement `payload` holds, read by hand (``LogJSON``) or, failing that, by
    /// `JSONDecoder`; nil when neither can.
    static func read(_ payload: String) -> EventAnnouncement? {
        if let json = LogJSON.parse(payload), let origin = json["o"]?.string, let first = json["a"]?.integer,
            let last = json["b"]?.integer, let time = json["t"]?.integer
        {
            switch json["e"] {
            case nil, .null?:
                return EventAnnouncement(o: origin, a: first, b: last, t: time, e: nil)
            case .array(let values)?:
                let events = values.compactMap(ChatEvent.init(logJSON:))
                if events.count == values.count {
                    return EventAnnouncement(o: origin, a: first, b: last, t: time, e: events)
                }
            default:
                break
            }
        }
        return try? JSONDecoder().decode(EventAnnouncement.self, from: Data(payload.utf8))
    }

    /// Up to the first position.
    static func opening(origin: String) -> String {
        #"{"o":"\#(origin)","a":"#
    }

    /// After the last position: the time, and the events when they fit.
    static func closing(createdAt: Int64, payloads: [String]) -> String {
        let events = payloads.joined(separator: ",")
        guard framing + events.utf8.count <= maximumPayload else { return #","t":\#(createdAt)}"# }
        return #","t":\#(createdAt),"e":[\#(events)]}"#
    }

    /// The origin and positions read from the start of a payload without decoding its events, so an
    /// instance skips its own announcements cheaply; nil when the payload is not of that form.
    static func header(of payload: String) -> (origin: Substring, first: Int64, last: Int64)? {
        let utf8 = payload.utf8
        guard utf8.starts(with: #"{"o":""#.utf8) else { return nil }
        let rest = payload.dropFirst(6)
        guard let quote = rest.firstIndex(of: "\"") else { return nil }
        let origin = rest[..<quote]
        func number(after key: String, in text: Substring) -> (Int64, Substring)? {
            guard text.hasPrefix(key) else { return nil }
            let digits = text.dropFirst(key.count).prefix { $0.isNumber || $0 == "-" }
            guard let value = Int64(digits) else { return nil }
            return (value, text.dropFirst(key.count + digits.count))
        }
        guard let (first, afterFirst) = number(after: #"","a":"#, in: rest[quote...]),
            let (last, _) = number(after: #","b":"#, in: afterFirst)
        else { return nil }
        return (origin, first, last)
    }
}
