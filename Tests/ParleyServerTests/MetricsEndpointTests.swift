import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import ParleyCore
import ParleyServer
import ParleyTestSupport
import Testing

@Suite("GET /metrics")
struct MetricsEndpointTests {
    static let token = "metrics-token-for-tests-0123456789"

    /// What an address no route serves answers, to hold `/metrics` answers against.
    static func unknownAddressAnswer(
        _ api: APIClient, _ method: HTTPRequest.Method = .get
    ) async throws
        -> TestResponse
    {
        try await api.send(method, "/no-such-address", headers: [.authorization: "Bearer \(token)"])
    }

    static func expectSameAnswer(_ answer: TestResponse, as unknown: TestResponse) {
        #expect(answer.status == .notFound)
        #expect(answer.status == unknown.status)
        #expect(String(buffer: answer.body) == String(buffer: unknown.body))
        #expect(answer.headers[.contentType] == unknown.headers[.contentType])
        #expect(answer.headers[.contentLength] == unknown.headers[.contentLength])
        #expect(answer.headers[.allow] == nil)
    }

    @Test func answersAsAnUnknownAddressWhenMetricsTokenIsUnset() async throws {
        try await APITestContext.run { context in
            let answer = try await context.api.send(
                .get, "/metrics", headers: [.authorization: "Bearer \(Self.token)"])
            Self.expectSameAnswer(answer, as: try await Self.unknownAddressAnswer(context.api))
        }
    }

    @Test func answersAsAnUnknownAddressWithoutABearerToken() async throws {
        try await APITestContext.run(metricsToken: Self.token) { context in
            let answer = try await context.api.send(.get, "/metrics")
            Self.expectSameAnswer(answer, as: try await Self.unknownAddressAnswer(context.api))
        }
    }

    @Test func answersAsAnUnknownAddressWithAWrongBearerToken() async throws {
        try await APITestContext.run(metricsToken: Self.token) { context in
            let unknown = try await Self.unknownAddressAnswer(context.api)
            let wrong = [
                "Bearer \(Self.token.dropLast())", "Bearer \(Self.token)x", "Bearer ", "Basic \(Self.token)",
                Self.token,
            ]
            for header in wrong {
                let answer = try await context.api.send(.get, "/metrics", headers: [.authorization: header])
                Self.expectSameAnswer(answer, as: unknown)
            }
        }
    }

    @Test func answersAsAnUnknownAddressToAnotherMethodEvenWithTheToken() async throws {
        try await APITestContext.run(metricsToken: Self.token) { context in
            let answer = try await context.api.send(
                .post, "/metrics", headers: [.authorization: "Bearer \(Self.token)"])
            Self.expectSameAnswer(answer, as: try await Self.unknownAddressAnswer(context.api, .post))
        }
    }

    @Test func answersPrometheusTextToTheRightBearerToken() async throws {
        try await APITestContext.run(metricsToken: Self.token) { context in
            let answer = try await context.api.send(
                .get, "/metrics", headers: [.authorization: "bearer \(Self.token)"])
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(answer.headers[.cacheControl] == "no-store")
            let text = String(buffer: answer.body)
            for name in [
                "parley_messages_sent_total", "parley_send_batch_size", "parley_send_batches_total",
                "parley_realtime_deliveries_total",
                "parley_realtime_sockets_open", "parley_realtime_slow_sockets_dropped_total",
                "parley_database_connection_wait_seconds", "parley_event_bus_lag_seconds",
            ] {
                #expect(text.contains("# HELP \(name) "), "no HELP for \(name)")
                #expect(text.contains("# TYPE \(name) "), "no TYPE for \(name)")
            }
        }
    }
}
