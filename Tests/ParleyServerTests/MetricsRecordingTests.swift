import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import NIOConcurrencyHelpers
import ParleyCore
import ParleyServer
import ParleyTestSupport
import Testing

@Suite("Metrics the server records")
struct MetricsRecordingTests {
    static let token = MetricsEndpointTests.token

    static func scrape(_ context: APITestContext) async throws -> PrometheusText {
        let answer = try await context.api.send(.get, "/metrics", headers: [.authorization: "Bearer \(token)"])
        #expect(answer.status == .ok)
        return PrometheusText(String(buffer: answer.body))
    }

    /// Scrapes until `check` holds or two seconds have passed; what the server does after it has
    /// answered (a socket's close) lands a moment later.
    static func scrape(
        _ context: APITestContext, until check: (PrometheusText) -> Bool
    ) async throws -> PrometheusText {
        let deadline = ContinuousClock.now + .seconds(2)
        var metrics = try await scrape(context)
        while !check(metrics), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            metrics = try await scrape(context)
        }
        return metrics
    }

    @Test func aRequestIsCountedUnderItsRouteTemplateMethodAndStatus() async throws {
        try await APITestContext.run(metricsToken: Self.token) { context in
            let customer = try await context.chat.fixtures.user(.customer)
            let api = try await context.api.signIn(customer.email)
            #expect(try await api.send(.get, "/api/v1/chat-sessions/987654").status == .notFound)
            #expect(try await api.send(.get, "/healthz").status == .ok)
            let metrics = try await Self.scrape(context)
            let session = ["route": "/api/v1/chat-sessions/{id}", "method": "GET"]
            #expect(metrics.value("parley_http_requests_total", session.merging(["status": "404"]) { $1 }) == 1)
            #expect(metrics.value("parley_http_request_duration_seconds_count", session) == 1)
            let health = ["route": "/healthz", "method": "GET"]
            #expect(metrics.value("parley_http_requests_total", health.merging(["status": "200"]) { $1 }) == 1)
            #expect(metrics.value("parley_http_request_duration_seconds_count", health) == 1)
            let routes = metrics.series("parley_http_requests_total").compactMap { $0.labels["route"] }
            #expect(!routes.contains { $0.contains("987654") })
        }
    }

    @Test func addressesNoRouteServesShareOneLabel() async throws {
        try await APITestContext.run(metricsToken: Self.token) { context in
            for path in ["/no-such-page", "/nothing/here/42", "/api/v1/nowhere"] {
                #expect(try await context.api.send(.get, path).status == .notFound)
            }
            #expect(try await context.api.send(.get, "/metrics").status == .notFound)
            let metrics = try await Self.scrape(context)
            let unmatched = ["route": "unmatched", "method": "GET", "status": "404"]
            #expect(metrics.value("parley_http_requests_total", unmatched) == 4)
            let routes = Set(metrics.series("parley_http_requests_total").compactMap { $0.labels["route"] })
            #expect(routes == ["unmatched"])
        }
    }

    @Test func aSendMovesTheSentCounterAndTheBatchHistogram() async throws {
        try await APITestContext.run(metricsToken: Self.token) { context in
            let (customer, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let api = try await context.api.signIn(customer.email)
            let before = try await Self.scrape(context)
            #expect(before.value("parley_messages_sent_total") == 0)
            #expect(before.value("parley_send_batch_size_count") == 0)
            let sent = try await api.send(
                .post, "/api/v1/chat-sessions/\(session.id)/messages", json: #"{"body":"Counted?"}"#)
            #expect(sent.status == .created)
            let after = try await Self.scrape(context)
            #expect(after.value("parley_messages_sent_total") == 1)
            #expect(after.value("parley_send_batch_size_count") == 1)
            #expect(after.value("parley_send_batch_size_sum") == 1)
            #expect(after.value("parley_send_batch_size_bucket", ["le": "1.0"]) == 1)
        }
    }

    @Test func aSendBatchIsCountedUnderTheWayItWasWritten() async throws {
        try await APITestContext.run(metricsToken: Self.token) { context in
            let (customer, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let api = try await context.api.signIn(customer.email)
            let before = try await Self.scrape(context)
            for path in SendBatchPath.allCases {
                #expect(before.value("parley_send_batches_total", ["path": path.rawValue]) == 0)
            }
            let sent = try await api.send(
                .post, "/api/v1/chat-sessions/\(session.id)/messages", json: #"{"body":"Which way?"}"#)
            #expect(sent.status == .created)
            let after = try await Self.scrape(context)
            let expected: SendBatchPath = TestDatabase.engine == .postgres ? .oneStatement : .transaction
            for path in SendBatchPath.allCases {
                #expect(after.value("parley_send_batches_total", ["path": path.rawValue]) == (path == expected ? 1 : 0))
            }
        }
    }

    @Test func aRepeatedSendIsBatchedButNotCountedAsAnotherMessage() async throws {
        try await APITestContext.run(metricsToken: Self.token) { context in
            let (customer, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let api = try await context.api.signIn(customer.email)
            for _ in 0..<2 {
                let sent = try await api.send(
                    .post, "/api/v1/chat-sessions/\(session.id)/messages",
                    json: #"{"body":"Once","client_message_id":"m-1"}"#)
                #expect(sent.status == .created || sent.status == .ok)
            }
            let metrics = try await Self.scrape(context)
            #expect(metrics.value("parley_messages_sent_total") == 1)
            #expect(metrics.value("parley_send_batch_size_count") == 2)
        }
    }

    @Test func anOpenSocketMovesTheGaugeAndClosingItMovesItBack() async throws {
        try await APITestContext.run(metricsToken: Self.token) { context in
            let customer = try await context.chat.fixtures.user(.customer)
            let api = try await context.api.signIn(customer.email)
            #expect(try await Self.scrape(context).value("parley_realtime_sockets_open") == 0)
            let inbox = RealtimeTests.Inbox()
            let whileOpen = NIOLockedValueBox<Double?>(nil)
            _ = try await context.api.client.ws("/api/v1/realtime?token=\(api.token!)") { inbound, outbound, _ in
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    if case .text(let text) = message { inbox.append(text) }
                    guard inbox.types().contains("connection.ready") else { continue }
                    let open = try await Self.scrape(context).value("parley_realtime_sockets_open")
                    whileOpen.withLockedValue { $0 = open }
                    try await outbound.close(.normalClosure, reason: nil)
                    break
                }
            }
            #expect(whileOpen.withLockedValue { $0 } == 1)
            let after = try await Self.scrape(context) { $0.value("parley_realtime_sockets_open") == 0 }
            #expect(after.value("parley_realtime_sockets_open") == 0)
        }
    }

    @Test func anEventWrittenToASocketMovesTheDeliveriesCounter() async throws {
        try await APITestContext.run(metricsToken: Self.token) { context in
            let (customer, vendor, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let alice = try await context.api.signIn(customer.email)
            let bob = try await context.api.signIn(vendor.email)
            let inbox = RealtimeTests.Inbox()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await context.api.client.ws("/api/v1/realtime?token=\(bob.token!)") { inbound, outbound, _ in
                        for try await message in inbound.messages(maxSize: 1 << 16) {
                            if case .text(let text) = message { inbox.append(text) }
                            if inbox.types().contains("message.created") {
                                try await outbound.close(.normalClosure, reason: nil)
                            }
                        }
                    }
                }
                #expect(try await inbox.wait(for: "connection.ready") != nil)
                #expect(try await Self.scrape(context).value("parley_realtime_deliveries_total") == 0)
                _ = try await alice.send(
                    .post, "/api/v1/chat-sessions/\(session.id)/messages", json: #"{"body":"Delivered?"}"#)
                #expect(try await inbox.wait(for: "message.created") != nil)
                try await group.waitForAll()
            }
            #expect(try await Self.scrape(context).value("parley_realtime_deliveries_total") == 1)
        }
    }
}
