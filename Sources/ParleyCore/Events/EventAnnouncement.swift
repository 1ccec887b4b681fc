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
}
