import ArgumentParser
import Foundation
import Glibc
import NIOCore
import ParleyCore

/// `parley-bench webhook-client`: what one webhook POST costs the process that makes it, with
/// Parley's ``WebhookHTTPClient`` and with AsyncHTTPClient (both through ``SendClient``, as the
/// realtime benchmark sends), the two taking turns in one run against a receiver already
/// listening at `--url`. Each turn makes `--posts` posts of a 700-byte body with a delivery's
/// headers, `--concurrency` at a time, and reports this process's CPU time (user and system) and
/// wall time per post.
struct WebhookClientBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook-client", abstract: "CPU per webhook POST: Parley's client against AsyncHTTPClient.")

    @Option(help: "The receiver's URL (it must answer 2xx).") var url: String
    @Option(help: "Posts per turn.") var posts = 20_000
    @Option(help: "Posts in flight at once.") var concurrency = 16
    @Option(help: "Turns of each client, alternating.") var rounds = 3

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    func run() async throws {
        let body = String(repeating: #"{"id":"evt_0123456789","type":"message.created"}"#, count: 14)
        let headers = WebhookRequest.headers(
            eventID: "evt_0123456789", signature: "t=1764200000,v1=" + String(repeating: "ab", count: 32))
        let parley = SendClient(.lean, connections: 64)
        let asyncHTTPClient = SendClient(.asyncHTTPClient, connections: 64)
        let url = self.url
        let clients: [(String, @Sendable () async throws -> Int)] = [
            ("WebhookHTTPClient", { try await parley.post(url: url, headers: headers, body: body) }),
            ("AsyncHTTPClient", { try await asyncHTTPClient.post(url: url, headers: headers, body: body) }),
        ]
        var cpu: [String: Double] = [:]
        var wall: [String: Double] = [:]
        let perTask = posts / concurrency
        for round in 0...rounds {
            // Round 0 warms both up (connections, allocations) and is not counted.
            for (name, post) in round % 2 == 0 ? clients : clients.reversed() {
                let started = (Self.cpuSeconds(), Date())
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<concurrency {
                        group.addTask {
                            for _ in 0..<perTask {
                                let status = try await post()
                                guard (200..<300).contains(status) else { throw ValidationError("answered \(status)") }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                guard round > 0 else { continue }
                cpu[name, default: 0] += Self.cpuSeconds() - started.0
                wall[name, default: 0] += Date().timeIntervalSince(started.1)
            }
        }
        try await parley.shutdown()
        try await asyncHTTPClient.shutdown()
        let count = Double(perTask * concurrency * rounds)
        print("\(Int(count)) posts per client over \(rounds) turns, \(concurrency) at a time, to \(url)")
        for (name, _) in clients {
            let figures = String(
                format: "CPU %.1f µs per post, wall %.1f µs", cpu[name]! / count * 1e6, wall[name]! / count * 1e6)
            print("\(name): \(figures)")
        }
        let ratio = String(format: "%.2f", cpu["AsyncHTTPClient"]! / cpu["WebhookHTTPClient"]!)
        print("CPU per post, AsyncHTTPClient / WebhookHTTPClient: \(ratio)")
    }
}
