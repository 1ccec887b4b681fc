import ArgumentParser
import AsyncHTTPClient
import Foundation
import HummingbirdWSClient
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import ParleyCore

/// Sends and delivery over the API and the realtime socket, measured from outside the server:
/// messages sent over HTTP by customers, received on their vendors' sockets.
struct RealtimeBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "realtime",
        abstract: "Send throughput, send-to-receive latency and memory per idle WebSocket.",
        discussion: """
            Needs the conversations and tokens of `parley seed --realtime-pairs N --tokens FILE`, and a \
            server started with PARLEY_SEND_RATE=0 so one user may send as fast as the tool asks.
            """)

    enum Mode: String, ExpressibleByArgument {
        /// As many sends as `--senders` closed loops manage.
        case throughput
        /// Sends at a fixed `--rate`, timing each from the request to its arrival at the recipient.
        case latency
        /// Opens the sockets and reports the server's resident memory per socket.
        case idle
        /// Holds the sockets for `--duration` seconds and counts the messages that reach them,
        /// while another tool (wrk, see Benchmarks/send.lua) does the sending.
        case listen
    }

    @Argument(help: "throughput, latency, idle or listen.") var mode: Mode
    @Option(help: "The server's base URL.") var url = "http://127.0.0.1:8080"
    @Option(
        name: .customLong("socket-url"),
        help: """
            Where the WebSockets connect, when not to --url: another instance of the same cluster, to time \
            delivery across instances. Repeat it to spread the sockets over several, in turn.
            """)
    var socketURLs: [String] = []
    @Option(help: "The file written by parley seed --realtime-pairs.") var tokens: String
    @Option(help: "WebSockets to hold open (both sides of the first connections/2 pairs).") var connections = 1_000
    @Option(help: "Concurrent senders (throughput).") var senders = 64
    @Option(help: "Messages per second (latency).") var rate = 1_000
    @Option(help: "Seconds to measure, after a second of warm-up.") var duration = 10
    @Option(help: "The server's process id, to read its memory (idle).") var serverPid: Int32?
    @Flag(help: "Connect only the recipients (vendors), not the senders too.") var recipientsOnly = false
    @Option(
        name: .customLong("http-client"),
        help: """
            What sends the messages: lean (Parley's own HTTP/1.1 client, about half the CPU per request) or \
            async-http-client (what this tool used before 2026-11-28). The tool shares the machine with the \
            server, so its own CPU shows in the server's figures.
            """)
    var httpClient: SendClient.Kind = .lean

    func run() async throws {
        let pairs = try Self.readPairs(tokens)
        let pairCount = max(1, recipientsOnly ? connections : connections / 2)
        guard pairs.count >= pairCount, pairs.count >= senders || mode != .throughput else {
            throw ValidationError("\(tokens) has \(pairs.count) pairs; seed at least \(max(pairCount, senders))")
        }
        let memoryBefore = serverPid.flatMap(Self.residentKiB)
        let sockets = SocketPool(bases: socketURLs.isEmpty ? [url] : socketURLs, recipientsOnly: recipientsOnly)
        let started = ContinuousClock.now
        try await sockets.open(pairs: Array(pairs.prefix(pairCount)))
        print(
            "opened \(sockets.count) WebSockets in \(Self.format(ContinuousClock.now - started)) "
                + "(\(pairCount) conversations\(recipientsOnly ? ", recipients only" : ""))")

        switch mode {
        case .idle:
            try await Task.sleep(for: .seconds(2))
            guard let pid = serverPid, let before = memoryBefore, let after = Self.residentKiB(pid) else {
                throw ValidationError("idle needs --server-pid of a running server")
            }
            let perSocket = Double(after - before) * 1_024 / Double(sockets.count)
            print(
                String(
                    format: "server RSS %d KiB before, %d KiB with %d idle sockets: %.1f KiB per socket",
                    before, after, sockets.count, perSocket / 1_024))
        case .listen:
            sockets.measureFrom = ContinuousClock.now
            try await Task.sleep(for: .seconds(duration))
            print(
                "\(sockets.delivered.withLockedValue { $0 }) messages reached their recipients' sockets, "
                    + "\(sockets.duplicates.withLockedValue { $0 }) of them more than once")
        case .throughput:
            try await runThroughput(pairs: Array(pairs.prefix(senders)), sockets: sockets)
        case .latency:
            try await runLatency(pairs: Array(pairs.prefix(pairCount)), sockets: sockets)
        }
        sockets.closeAll()
    }

    // MARK: Modes

    func runThroughput(pairs: [Pair], sockets: SocketPool) async throws {
        let client = SendClient(httpClient, connections: senders)
        let recorder = LatencyRecorder()
        let deadline = ContinuousClock.now + .seconds(duration + 1)
        let measureFrom = ContinuousClock.now + .seconds(1)
        sockets.recorder = recorder
        sockets.measureFrom = measureFrom
        let sent = NIOLockedValueBox(0)
        let failures = NIOLockedValueBox(0)
        let requestTimes = LatencyRecorder()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, pair) in pairs.enumerated() {
                group.addTask {
                    var sequence = 0
                    while ContinuousClock.now < deadline {
                        sequence += 1
                        let begun = ContinuousClock.now
                        let ok = try await send(client: client, pair: pair, sender: index, sequence: sequence)
                        if begun >= measureFrom {
                            requestTimes.record(ContinuousClock.now - begun)
                            if ok { sent.withLockedValue { $0 += 1 } } else { failures.withLockedValue { $0 += 1 } }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        try await Task.sleep(for: .milliseconds(500))
        try await client.shutdown()
        let count = sent.withLockedValue { $0 }
        let delivered = recorder.count
        print(
            String(
                format: "%d senders, %d s: %d messages sent (%.0f/s), %d failed, %d delivered to recipients, %d twice",
                senders, duration, count, Double(count) / Double(duration), failures.withLockedValue { $0 },
                delivered, sockets.duplicates.withLockedValue { $0 }))
        print("send request (HTTP 201) " + requestTimes.summary())
        print("send to receive        " + recorder.summary())
    }

    func runLatency(pairs: [Pair], sockets: SocketPool) async throws {
        let client = SendClient(httpClient, connections: 64)
        let recorder = LatencyRecorder()
        let interval = Duration.nanoseconds(1_000_000_000 / max(1, rate))
        let total = rate * (duration + 1)
        let measureFrom = ContinuousClock.now + .seconds(1)
        sockets.recorder = recorder
        sockets.measureFrom = measureFrom
        let failures = NIOLockedValueBox(0)
        let requestTimes = LatencyRecorder()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Open loop: each send leaves on schedule whether or not earlier ones have answered.
            for sequence in 0..<total {
                let scheduled = start + interval * sequence
                try await Task.sleep(until: scheduled, clock: .continuous)
                let pair = pairs[sequence % pairs.count]
                group.addTask {
                    let ok = try await send(client: client, pair: pair, sender: 0, sequence: sequence)
                    if !ok { failures.withLockedValue { $0 += 1 } }
                    // From when it was due to leave: a send held up by the ones before it counts.
                    if scheduled >= measureFrom { requestTimes.record(ContinuousClock.now - scheduled) }
                }
            }
            try await group.waitForAll()
        }
        try await Task.sleep(for: .milliseconds(500))
        try await client.shutdown()
        let elapsed = ContinuousClock.now - start
        print(
            "\(total) messages at \(rate)/s over \(sockets.count) sockets in \(Self.format(elapsed)), "
                + "\(failures.withLockedValue { $0 }) failed, \(recorder.count) timed after warm-up, "
                + "\(sockets.duplicates.withLockedValue { $0 }) delivered twice")
        print("send request (HTTP 201) " + requestTimes.summary())
        print("send to receive " + recorder.summary())
    }

    /// One message; its body carries when it left, so the receiving socket can time it.
    func send(client: SendClient, pair: Pair, sender: Int, sequence: Int) async throws -> Bool {
        let stamp = DispatchTime.now().uptimeNanoseconds
        let status = try await client.post(
            url: "\(url)/api/v1/chat-sessions/\(pair.sessionID)/messages",
            headers: [("authorization", "Bearer \(pair.customerToken)"), ("content-type", "application/json")],
            body: #"{"body":"bench \#(stamp) \#(sender)-\#(sequence)"}"#)
        return status == 201
    }

    // MARK: Helpers

    struct Pair: Sendable {
        let sessionID: Int64
        let customerToken: String
        let vendorToken: String
    }

    static func readPairs(_ path: String) throws -> [Pair] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("cannot read \(path)")
        }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t")
            guard fields.count == 3, let id = Int64(fields[0]) else { return nil }
            return Pair(sessionID: id, customerToken: String(fields[1]), vendorToken: String(fields[2]))
        }
    }

    static func residentKiB(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
        return line.flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") }
    }

    static func format(_ duration: Duration) -> String {
        String(format: "%.1f s", milliseconds(duration) / 1_000)
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
    }
}

/// Times in milliseconds, summarised as percentiles.
final class LatencyRecorder: Sendable {
    private let samples = NIOLockedValueBox<[Double]>([])

    func record(_ duration: Duration) { record(milliseconds: RealtimeBenchmark.milliseconds(duration)) }
    func record(milliseconds: Double) { samples.withLockedValue { $0.append(milliseconds) } }

    var count: Int { samples.withLockedValue { $0.count } }

    func summary() -> String {
        let sorted = samples.withLockedValue { $0 }.sorted()
        guard !sorted.isEmpty else { return "no samples" }
        func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        return String(
            format: "ms: p50 %.2f, p90 %.2f, p99 %.2f, max %.2f (%d samples)", percentile(0.5), percentile(0.9),
            percentile(0.99), sorted.last ?? 0, sorted.count)
    }
}

/// The benchmark's open sockets: each vendor's socket times the messages addressed to it.
final class SocketPool: @unchecked Sendable {
    let bases: [String]
    private let ready = NIOLockedValueBox(0)
    /// message.created frames received by recipients since `measureFrom`.
    let delivered = NIOLockedValueBox(0)
    /// Of those, frames of a message a recipient had already received.
    let duplicates = NIOLockedValueBox(0)
    private let seen = NIOLockedValueBox(Set<Int64>())
    private let tasks = NIOLockedValueBox<[Task<Void, Never>]>([])
    // Set before any timed message is sent, read by the socket tasks afterwards.
    var recorder: LatencyRecorder?
    var measureFrom = ContinuousClock.now

    let recipientsOnly: Bool

    init(bases: [String], recipientsOnly: Bool) {
        self.bases = bases.map { $0.replacingOccurrences(of: "http://", with: "ws://") }
        self.recipientsOnly = recipientsOnly
    }

    var count: Int { ready.withLockedValue { $0 } }

    /// Opens both sides of every pair, a few hundred at a time, and returns when all are ready.
    func open(pairs: [RealtimeBenchmark.Pair]) async throws {
        let tokens = pairs.flatMap { pair in
            recipientsOnly ? [(pair.vendorToken, true)] : [(pair.vendorToken, true), (pair.customerToken, false)]
        }
        for batch in stride(from: 0, to: tokens.count, by: 250) {
            for (index, (token, isRecipient)) in tokens[batch..<min(tokens.count, batch + 250)].enumerated() {
                let base = bases[(batch + index) % bases.count]
                let task = Task { await self.hold(base: base, token: token, isRecipient: isRecipient) }
                tasks.withLockedValue { $0.append(task) }
            }
            let target = min(tokens.count, batch + 250)
            let deadline = ContinuousClock.now + .seconds(30)
            while count < target {
                guard ContinuousClock.now < deadline else {
                    throw ValidationError("only \(count) of \(target) sockets became ready; is ulimit -n high enough?")
                }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    private func hold(base: String, token: String, isRecipient: Bool) async {
        var configuration = WebSocketClientConfiguration()
        configuration.additionalHeaders = [.authorization: "Bearer \(token)"]
        configuration.maxFrameSize = 1 << 16
        do {
            try await WebSocketClient.connect(
                url: base + "/api/v1/realtime", configuration: configuration, logger: Logger(label: "bench")
            ) { inbound, _, _ in
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    guard case .text(let text) = message else { continue }
                    if text.contains("connection.ready") {
                        self.ready.withLockedValue { $0 += 1 }
                        continue
                    }
                    if isRecipient { self.time(text) }
                }
            }
        } catch {
            // A dropped socket shows as missing deliveries in the figures.
        }
    }

    /// Reads the send time from a message.created body ("bench <uptime ns> …") and records the delay.
    private func time(_ text: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        guard ContinuousClock.now >= measureFrom, text.contains(#""type":"message.created""#) else { return }
        delivered.withLockedValue { $0 += 1 }
        if let key = text.range(of: #""id":"#) {
            let digits = text[key.upperBound...].prefix { $0.isNumber }
            if let id = Int64(digits), !seen.withLockedValue({ $0.insert(id).inserted }) {
                duplicates.withLockedValue { $0 += 1 }
            }
        }
        guard let marker = text.range(of: "bench ") else { return }
        let digits = text[marker.upperBound...].prefix { $0.isNumber }
        guard let sentAt = UInt64(digits), now >= sentAt else { return }
        recorder?.record(milliseconds: Double(now - sentAt) / 1e6)
    }

    func closeAll() {
        for task in tasks.withLockedValue({ $0 }) { task.cancel() }
    }
}
