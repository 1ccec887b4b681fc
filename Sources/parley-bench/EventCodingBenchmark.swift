import ArgumentParser
import Foundation
import ParleyCore

/// `parley-bench event-coding`: how long writing one `message.created` event for the log takes (on
/// every send) and reading it back (the notification dispatcher, and every other instance through
/// the PostgreSQL bus), by hand as Parley does and through `JSONEncoder` and `JSONDecoder` as it
/// did, in this process, the four interleaved in one run.
struct EventCodingBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event-coding", abstract: "Time writing and reading logged events by hand against Codable.")

    @Option(help: "Distinct events.") var events = 1_000
    @Option(help: "Timed passes over every event, for each way.") var rounds = 50

    func run() throws {
        let session = try JSONDecoder().decode(
            ChatSession.self,
            from: Data(
                #"""
                {"id":12345,"product_id":678,"customer_id":90123,"vendor_id":4567,"last_message_at":1764200000123,
                 "messages_count":42,"unread_count":3,"customer_unread_count":0,"vendor_unread_count":3,
                 "created_at":1764100000000,"updated_at":1764200000123}
                """#.utf8))
        let texts = ["Is the oak table still available? ", "Grüße aus München, 42 cm breit? ", "Great 👍 thanks "]
        let chatEvents = (0..<events).map { index in
            ChatEvent.messageCreated(
                ChatMessage(
                    id: Int64(1_000_000 + index), sessionID: session.id, senderID: session.customerID,
                    senderRole: .customer, body: String(repeating: texts[index % texts.count], count: 6), readAt: nil,
                    createdAt: Date(epochMilliseconds: 1_764_200_000_000 + Int64(index)),
                    clientMessageID: "c-\(index)"),
                session: session)
        }
        let payloads = chatEvents.map(\.logPayload)
        let encoder = JSONEncoder()
        let decoder = JSONDecoder()
        for (event, payload) in zip(chatEvents, payloads) {
            guard try ChatEvent.decode(logPayload: payload) == event,
                try decoder.decode(ChatEvent.self, from: Data(payload.utf8)) == event
            else { throw ValidationError("an event does not read back as written: \(payload)") }
        }
        let clock = ContinuousClock()
        var spent: [String: Duration] = [:]
        var sink = 0
        func timed(_ name: String, _ work: () throws -> Void) rethrows {
            let start = clock.now
            try work()
            spent[name, default: .zero] += clock.now - start
        }
        for _ in 0..<rounds {
            timed("write by hand") { for event in chatEvents { sink &+= event.logPayload.utf8.count } }
            try timed("JSONEncoder") { for event in chatEvents { sink &+= try encoder.encode(event).count } }
            try timed("read by hand") {
                for payload in payloads { sink &+= try ChatEvent.decode(logPayload: payload).audience.count }
            }
            try timed("JSONDecoder") {
                for payload in payloads {
                    sink &+= try decoder.decode(ChatEvent.self, from: Data(payload.utf8)).audience.count
                }
            }
        }
        let count = Double(events * rounds)
        func micros(_ name: String) -> Double {
            let duration = spent[name] ?? .zero
            return (Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12) / count
        }
        print("\(events) message.created events of \(payloads[0].utf8.count) bytes × \(rounds) rounds (\(sink))")
        func format(_ value: Double) -> String { String(format: "%.2f", value) }
        for (byHand, codable) in [("write by hand", "JSONEncoder"), ("read by hand", "JSONDecoder")] {
            let ratio = String(format: "%.1f", micros(codable) / micros(byHand))
            print(
                "\(byHand): \(format(micros(byHand))) µs per event; \(codable): \(format(micros(codable))) µs; "
                    + "\(ratio)× faster")
        }
    }
}
