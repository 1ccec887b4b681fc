import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import ParleyCore
import ParleyServer
import ParleyTestSupport
import Testing

/// Bearer tokens travel in headers only, and never reach the logs.
@Suite("API token handling")
struct APITokenHandlingTests {
    @Test func aTokenInTheQueryStringIsNotAcceptedByTheAPI() async throws {
        try await APITestContext.run { context in
            let user = try await context.chat.fixtures.user(.customer)
            let api = try await context.api.signIn(user.email)
            let token = try #require(api.token)
            let withHeader = try await api.send(.get, "/api/v1/unread-count")
            #expect(withHeader.status == .ok)
            let inQuery = try await context.api.send(.get, "/api/v1/unread-count?token=\(token)")
            #expect(inQuery.status == .unauthorized && inQuery.errorCode == "unauthorized")
        }
    }

    @Test func requestLogsNeverHoldTheQueryString() async throws {
        let records = RecordingLogHandler.Records()
        var logger = Logger(label: "test") { _ in RecordingLogHandler(records: records) }
        logger.logLevel = .trace
        try await APITestContext.run(logger: logger) { context in
            let user = try await context.chat.fixtures.user(.customer)
            let api = try await context.api.signIn(user.email)
            let token = try #require(api.token)
            _ = try await api.send(.get, "/api/v1/chat-sessions?token=\(token)&cursor=secret-cursor")
        }
        let logged = records.all.joined(separator: "\n")
        #expect(logged.contains("/api/v1/chat-sessions"), "requests are logged at debug level")
        #expect(!logged.contains("secret-cursor") && !logged.contains("token="))
    }
}

/// Keeps every log line, with its metadata, for a test to read.
struct RecordingLogHandler: LogHandler {
    final class Records: Sendable {
        private let lines = NIOLockedValueBox<[String]>([])
        var all: [String] { lines.withLockedValue { $0 } }
        func append(_ line: String) { lines.withLockedValue { $0.append(line) } }
    }

    let records: Records
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        records.append("\(event.message) \(all)")
    }
}

@Suite("API addresses nothing serves")
struct APINotFoundTests {
    @Test func anUnknownAPIPathAnswersTheJSONErrorEnvelope() async throws {
        try await APITestContext.run { context in
            for (method, path) in [
                (HTTPRequest.Method.get, "/api/v1/nothing-here"), (.post, "/api/v1/chat-sessions/1/unknown"),
                (.get, "/api/v2/chat-sessions"),
            ] {
                let response = try await context.api.send(method, path)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.headers[.contentType] == "application/json", "\(path)")
                #expect(response.errorCode == "not_found", "\(path)")
            }
        }
    }
}

@Suite("API sign-in throttle")
struct APISignInThrottleTests {
    @Test func repeatedWrongPasswordsAreRefusedWithRetryAfter() async throws {
        try await APITestContext.run { context in
            let user = try await context.chat.fixtures.user(.customer)
            let wrong = #"{"email":"\#(user.email)","password":"wrong-password"}"#
            for _ in 0..<SignInThrottle.freeFailuresPerAccount {
                let response = try await context.api.send(.post, "/api/v1/auth/token", json: wrong)
                #expect(response.status == .unauthorized)
            }
            let refused = try await context.api.send(.post, "/api/v1/auth/token", json: wrong)
            let refusedAt = ContinuousClock.now
            #expect(refused.status == .tooManyRequests && refused.errorCode == "too_many_attempts")
            #expect(Int(refused.headers[.retryAfter] ?? "") ?? 0 > 0)
            // The right password is refused too while the throttle holds: guessing gains nothing.
            let right = #"{"email":"\#(user.email)","password":"\#(Fixtures.password)"}"#
            let status = try await context.api.send(.post, "/api/v1/auth/token", json: right).status
            // The first wait is 4 s of real time; under the whole suite's load a request can take
            // longer than that (one CI-like run took 33 s for this test), and then the wait is over.
            if ContinuousClock.now - refusedAt < .seconds(SignInThrottle.firstDelay) {
                #expect(status == .tooManyRequests)
            }
        }
    }
}

/// A NUL in any text answers a clear 4xx on both engines, never a 500 or text cut short.
@Suite("API text with NUL and control characters")
struct APIControlCharacterTests {
    @Test func aNULInTheSignInEmailIsRefusedWithA422() async throws {
        try await APITestContext.run { context in
            let response = try await context.api.send(
                .post, "/api/v1/auth/token", json: #"{"email":"a\u0000@example.com","password":"whatever-long"}"#)
            #expect(response.status == .unprocessableContent && response.errorCode == "invalid_characters")
        }
    }

    @Test func aNULInAMessageOrItsClientIDIsRefusedWithA422() async throws {
        try await APITestContext.run { context in
            let (customer, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let api = try await context.api.signIn(customer.email)
            let path = "/api/v1/chat-sessions/\(session.id)/messages"
            for json in [#"{"body":"cut\u0000here"}"#, #"{"body":"hi","client_message_id":"a\u0000"}"#] {
                let response = try await api.send(.post, path, json: json)
                #expect(response.status == .unprocessableContent, "\(json)")
                #expect(response.errorCode == "invalid_characters", "\(json)")
            }
            let control = try await api.send(.post, path, json: #"{"body":"ring\u0007"}"#)
            #expect(control.status == .unprocessableContent && control.errorCode == "invalid_characters")
            let escapedBackslash = try await api.send(.post, path, json: #"{"body":"a literal \\u0000 is text"}"#)
            #expect(escapedBackslash.status == .created)
            #expect(
                try await context.chat.fixtures.messages(in: session.id).map(\.body) == [#"a literal \u0000 is text"#])
        }
    }

    @Test func aNULInAProductSearchMatchesNothing() async throws {
        try await APITestContext.run { context in
            let (customer, _, _, _) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let api = try await context.api.signIn(customer.email)
            let response = try await api.send(.get, "/api/v1/products?search=%00")
            #expect(response.status == .ok)
            #expect((response.json["data"] as? [Any])?.isEmpty == true)
        }
    }
}

/// Which address a sign-in failure counts against (issue 8, item 3).
@Suite("API sign-in throttle behind proxies")
struct APISignInThrottleProxyTests {
    static func guess(_ context: APITestContext, _ email: String, from address: String) async throws -> TestResponse {
        try await context.api.send(
            .post, "/api/v1/auth/token", json: #"{"email":"\#(email)","password":"wrong-password"}"#,
            headers: [.init("X-Forwarded-For")!: address])
    }

    @Test func forwardedAddressesAreIgnoredFromAnUntrustedPeer() async throws {
        try await APITestContext.run { context in
            let user = try await context.chat.fixtures.user(.customer)
            for index in 0..<SignInThrottle.freeFailuresPerAccount {
                // A guesser cannot escape the throttle by naming a new address each time.
                _ = try await Self.guess(context, user.email, from: "203.0.113.\(index)")
            }
            let refused = try await Self.guess(context, user.email, from: "203.0.113.200")
            #expect(refused.status == .tooManyRequests && refused.errorCode == "too_many_attempts")
        }
    }

    @Test func behindATrustedProxyEachClientIsThrottledAlone() async throws {
        let proxy = try ConnectionLimits.patient.trusting("127.0.0.1")
        try await APITestContext.run(connections: proxy) { context in
            let user = try await context.chat.fixtures.user(.customer)
            for _ in 0..<SignInThrottle.freeFailuresPerAccount {
                _ = try await Self.guess(context, user.email, from: "198.51.100.66")
            }
            #expect(try await Self.guess(context, user.email, from: "198.51.100.66").status == .tooManyRequests)
            let owner = try await context.api.send(
                .post, "/api/v1/auth/token", json: #"{"email":"\#(user.email)","password":"\#(Fixtures.password)"}"#,
                headers: [.init("X-Forwarded-For")!: "203.0.113.9"])
            #expect(owner.status == .created)
        }
    }
}
