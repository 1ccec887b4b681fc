import ArgumentParser
import Foundation
import Hummingbird
import NIOConcurrencyHelpers

/// `parley-bench receive-webhooks`: a webhook receiver that measures how late deliveries arrive.
///
/// Serves `POST /hook` for `--duration` seconds, answering 204, and then prints how many events
/// arrived, how many of them more than once, and how long after it became due each arrived:
/// `message.created` is due when the message was created (`data.created_at`); `unread.reminder_due`
/// when its oldest unread message had waited `--reminder-delay` seconds (`data.first_unread_at`).
struct WebhookReceiverBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receive-webhooks", abstract: "Receive webhook deliveries and report their lateness.")

    @Option(help: "Port to listen on (127.0.0.1).") var port = 9_900
    @Option(help: "Seconds to serve.") var duration = 30
    @Option(help: "Seconds a reminder waits before it is due (PARLEY_REMINDER_DELAY).") var reminderDelay = 0.0
    @Option(help: "Ignore events due before this many seconds into the run (warm-up).") var warmUp = 2.0

    struct Arrival {
        var type: String
        /// Arrival minus due time, in milliseconds.
        var lateness: Double
        var dueSinceStart: Double
    }

    /// Reads Parley's API timestamps, `2026-11-26T14:03:05.123Z`.
    static func date(_ text: String) -> Date? {
        let digits = text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard digits.count >= 7 else { return nil }
        var parts = DateComponents()
        (parts.year, parts.month, parts.day) = (digits[0], digits[1], digits[2])
        (parts.hour, parts.minute, parts.second) = (digits[3], digits[4], digits[5])
        return utc.date(from: parts)?.addingTimeInterval(Double(digits[6]) / 1000)
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    func run() async throws {
        let start = Date()
        let arrivals = NIOLockedValueBox<[String: [Arrival]]>([:])
        let delay = reminderDelay
        let router = Router()
        router.post("hook") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let now = Date()
            guard let json = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
                let id = json["id"] as? String, let type = json["type"] as? String,
                let data = json["data"] as? [String: Any]
            else { return .badRequest }
            var due: Date?
            if type == "unread.reminder_due", let first = data["first_unread_at"] as? String {
                due = Self.date(first)?.addingTimeInterval(delay)
            } else if let created = data["created_at"] as? String {
                due = Self.date(created)
            }
            let arrival = Arrival(
                type: type, lateness: due.map { now.timeIntervalSince($0) * 1000 } ?? .nan,
                dueSinceStart: due.map { $0.timeIntervalSince(start) } ?? 0)
            arrivals.withLockedValue { $0[id, default: []].append(arrival) }
            return .noContent
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint]) }
            try await Task.sleep(for: .seconds(duration))
            group.cancelAll()
        }
        let all = arrivals.withLockedValue { $0 }
        let byType = Dictionary(grouping: all.values.compactMap(\.first), by: \.type)
        for (type, list) in byType.sorted(by: { $0.key < $1.key }) {
            let measured = list.filter { $0.dueSinceStart >= warmUp }.map(\.lateness).filter { !$0.isNaN }.sorted()
            func percentile(_ p: Double) -> String {
                guard !measured.isEmpty else { return "-" }
                return String(format: "%.1f", measured[min(measured.count - 1, Int(Double(measured.count) * p))])
            }
            print(
                "\(type): events \(list.count), measured \(measured.count), lateness ms p50 \(percentile(0.5)) "
                    + "p99 \(percentile(0.99)) max \(percentile(1.0))")
        }
        let duplicates = all.values.filter { $0.count > 1 }.count
        print("distinct events \(all.count), delivered more than once \(duplicates)")
        print(String(format: "receiver CPU s %.1f", WebhookClientBenchmark.cpuSeconds()))
    }
}
