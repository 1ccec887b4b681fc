import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Times full admin pages, one request after another over one keep-alive connection, the way an
/// administrator clicking through the list would load them.
struct AdminPagesBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin-pages",
        abstract: "Time to the full HTML of each chat session list view (p50, p95, max).")

    @Option(help: "The server's base URL.") var url = "http://127.0.0.1:8080"
    @Option(
        help: """
            A second server with the same data (another engine, say): each view is then timed on both, \
            their requests alternating, and printed side by side with the ratio of their p95s.
            """)
    var compareURL: String?
    @Option(help: "What to call the first server in the table.") var label = "A"
    @Option(help: "What to call the second server in the table.") var compareLabel = "B"
    @Option(help: "An administrator's email.") var email = "admin@example.com"
    @Option(help: "That administrator's password.") var password: String
    @Option(help: "Timed requests per view, after warm-up.") var requests = 40
    @Option(help: "Untimed requests per view first.") var warmup = 3

    func run() async throws {
        var configuration = HTTPClient.Configuration()
        // The sign-in answer is a redirect whose cookie must be read, not followed.
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            var sessions = [try await Browser.signIn(client: client, base: url, email: email, password: password)]
            if let compareURL {
                sessions.append(
                    try await Browser.signIn(client: client, base: compareURL, email: email, password: password))
            }
            // The same views on both: ids and terms come from the first server's data.
            let views = try await Self.views(session: sessions[0])
            if sessions.count == 1 {
                print("| view | path | p50 ms | p95 ms | max ms |")
                print("| --- | --- | ---: | ---: | ---: |")
            } else {
                print(
                    "| view | \(label) p50 | \(label) p95 | \(compareLabel) p50 | \(compareLabel) p95 "
                        + "| p95 \(compareLabel)/\(label) |"
                )
                print("| --- | ---: | ---: | ---: | ---: | ---: |")
            }
            for (name, path) in views {
                for session in sessions { for _ in 0..<warmup { _ = try await session.page(path) } }
                var times = [[Double]](repeating: [], count: sessions.count)
                for _ in 0..<requests {
                    for (index, session) in sessions.enumerated() {
                        let started = ContinuousClock.now
                        _ = try await session.page(path)
                        let elapsed = ContinuousClock.now - started
                        times[index].append(
                            Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
                    }
                }
                let stats = times.map(Percentiles.init)
                if stats.count == 1 {
                    print(
                        String(
                            format: "| %@ | `%@` | %.1f | %.1f | %.1f |", name, path, stats[0].p50, stats[0].p95,
                            stats[0].max))
                } else {
                    print(
                        String(
                            format: "| %@ | %.1f | %.1f | %.1f | %.1f | %.2f |", name, stats[0].p50, stats[0].p95,
                            stats[1].p50, stats[1].p95, stats[1].p95 / stats[0].p95))
                }
            }
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    /// Median, 95th percentile and maximum of some timings.
    struct Percentiles {
        let p50: Double
        let p95: Double
        let max: Double

        init(_ times: [Double]) {
            let sorted = times.sorted()
            p50 = sorted[sorted.count / 2]
            p95 = sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.95).rounded(.up)) - 1)]
            max = sorted.last ?? 0
        }
    }

    /// The views the issue names, with ids and search terms taken from the data itself.
    static func views(session: Browser) async throws -> [(String, String)] {
        let customer = try await session.firstLookup("/admin/lookup/users?role=customer&q=a")
        let vendor = try await session.firstLookup("/admin/lookup/users?role=vendor&q=a")
        let product = try await session.firstLookup("/admin/lookup/products?q=a")
        let base = "/admin/chat-sessions"
        var views: [(String, String)] = [
            ("first page (default order)", base),
            ("page 200", base + "?page=200"),
            ("search: product name", base + "?search=" + Browser.encode(String(product.label.prefix(18)))),
            ("search: customer name", base + "?search=" + Browser.encode(customer.label)),
            ("search: common word", base + "?search=oak"),
            ("filter: customer", base + "?customer=\(customer.id)"),
            ("filter: vendor", base + "?vendor=\(vendor.id)"),
            ("filter: product", base + "?product=\(product.id)"),
            ("filter: has unread", base + "?unread=1"),
            ("filter: last 7 days", base + "?recent=1"),
        ]
        for column in [
            "product", "customer", "vendor", "messages_count", "last_message_at", "created_at", "updated_at",
        ] {
            for direction in ["asc", "desc"] {
                views.append(("sort: \(column) \(direction)", base + "?sort=\(column)&dir=\(direction)"))
            }
        }
        return views
    }
}

/// A signed-in admin panel session over one HTTP client.
struct Browser: Sendable {
    let client: HTTPClient
    let base: String
    let cookie: String

    struct LookupItem: Decodable {
        let id: Int64
        let label: String
    }

    static func signIn(client: HTTPClient, base: String, email: String, password: String) async throws -> Browser {
        let login = try await client.execute(HTTPClientRequest(url: base + "/admin/login"), timeout: .seconds(30))
        let loginHTML = String(buffer: try await login.body.collect(upTo: 1 << 20))
        let csrfCookie = login.headers["set-cookie"].compactMap { $0.split(separator: ";").first.map(String.init) }
            .joined(separator: "; ")
        guard let marker = loginHTML.range(of: "name=\"_csrf\" value=\""),
            let end = loginHTML[marker.upperBound...].firstIndex(of: "\"")
        else { throw ValidationError("no sign-in form at \(base)/admin/login") }
        let csrf = String(loginHTML[marker.upperBound..<end])
        var request = HTTPClientRequest(url: base + "/admin/login")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "cookie", value: csrfCookie)
        request.body = .bytes(
            ByteBuffer(string: "_csrf=\(encode(csrf))&email=\(encode(email))&password=\(encode(password))"))
        let response = try await client.execute(request, timeout: .seconds(30))
        guard response.status == .seeOther,
            let session = response.headers["set-cookie"].first(where: { $0.hasPrefix("parley_session=") })
        else { throw ValidationError("sign-in as \(email) failed with status \(response.status.code)") }
        return Browser(client: client, base: base, cookie: String(session.split(separator: ";")[0]))
    }

    /// Loads a page completely and checks that it is one.
    func page(_ path: String) async throws -> Int {
        var request = HTTPClientRequest(url: base + path)
        request.headers.add(name: "cookie", value: cookie)
        request.headers.add(name: "accept", value: "text/html")
        let response = try await client.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 16 << 20)
        guard response.status == .ok, String(buffer: body).contains("</html>") else {
            throw ValidationError("\(path) answered \(response.status.code)")
        }
        return body.readableBytes
    }

    func firstLookup(_ path: String) async throws -> LookupItem {
        var request = HTTPClientRequest(url: base + path)
        request.headers.add(name: "cookie", value: cookie)
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        struct Envelope: Decodable { let data: [LookupItem] }
        guard let first = try JSONDecoder().decode(Envelope.self, from: Data(body.readableBytesView)).data.first else {
            throw ValidationError("\(path) found nothing; seed data first (parley seed --bench)")
        }
        return first
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
