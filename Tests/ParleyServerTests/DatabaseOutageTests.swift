import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ParleyCore
import ParleyServer
import ParleyTestSupport
import Testing

/// While PostgreSQL cannot be reached, requests answer 503 with `Retry-After`, and the outage is
/// logged once, not per request (issue 8, item 10). PostgreSQL only: it is the engine that lives
/// across a network; an SQLite file cannot go away under an open connection in the same way.
@Suite("Database outage", .enabled(if: TestDatabase.engine == .postgres))
struct DatabaseOutageTests {
    /// The app over a database reached through a ``TCPProxy`` the test can cut.
    static func run(
        logger: Logger, _ body: @Sendable (TCPProxy, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await TCPProxy.withProxiedDatabase(poolSize: 2, logger: logger) { proxy, database in
            let app = try await buildApplication(
                host: "127.0.0.1", port: 0, dependencies: AppDependencies(database: database, bcryptCost: 4),
                ownsDatabase: false, logger: logger)
            try await app.test(.live) { client in try await body(proxy, client) }
        }
    }

    static let signIn = ByteBuffer(string: #"{"email":"nobody@example.com","password":"wrong-password"}"#)

    @Test func apiCallsAnswer503WithRetryAfterWhileTheDatabaseIsDownAndRecoverAfter() async throws {
        try await Self.run(logger: Logger(label: "test")) { proxy, client in
            let headers: HTTPFields = [.contentType: "application/json"]
            let before = try await client.executeRequest(
                uri: "/api/v1/auth/token", method: .post, headers: headers, body: Self.signIn)
            #expect(before.status == .unauthorized)
            try await proxy.cut()
            let during = try await client.executeRequest(
                uri: "/api/v1/auth/token", method: .post, headers: headers, body: Self.signIn)
            #expect(during.status == .serviceUnavailable)
            #expect(during.headers[.retryAfter] == String(DatabaseUnreachable.retryAfter))
            let json = try JSONSerialization.jsonObject(with: Data(during.body.readableBytesView)) as? [String: Any]
            #expect((json?["error"] as? [String: Any])?["code"] as? String == "database_unavailable")
            try await proxy.resume()
            // The pool may still hand out a connection the cut closed before it noticed (503 with
            // Retry-After, as during the outage); once it has, requests are answered again.
            let recovered = try await eventually(within: 10) {
                let after = try await client.executeRequest(
                    uri: "/api/v1/auth/token", method: .post, headers: headers, body: Self.signIn)
                return after.status == .unauthorized
            }
            #expect(recovered)
        }
    }

    @Test func adminPagesAnswer503WithRetryAfterWhileTheDatabaseIsDown() async throws {
        try await Self.run(logger: Logger(label: "test")) { proxy, client in
            try await proxy.cut()
            let page = try await client.executeRequest(
                uri: "/admin/chat-sessions", method: .get, headers: [.cookie: "parley_session=whatever"], body: nil)
            #expect(page.status == .serviceUnavailable)
            #expect(page.headers[.retryAfter] != nil)
            #expect(String(buffer: page.body).contains("cannot reach its database"))
            try await proxy.resume()
        }
    }

    @Test func anOutageIsLoggedOnceWhenItStartsAndOnceWhenItEnds() async throws {
        let records = RecordingLogHandler.Records()
        var logger = Logger(label: "test") { _ in RecordingLogHandler(records: records) }
        logger.logLevel = .notice
        try await Self.run(logger: logger) { proxy, client in
            let headers: HTTPFields = [.contentType: "application/json"]
            try await proxy.cut()
            for _ in 0..<5 {
                let response = try await client.executeRequest(
                    uri: "/api/v1/auth/token", method: .post, headers: headers, body: Self.signIn)
                #expect(response.status == .serviceUnavailable)
            }
            try await proxy.resume()
            _ = try await client.executeRequest(
                uri: "/api/v1/auth/token", method: .post, headers: headers, body: Self.signIn)
        }
        let lines = records.all
        #expect(lines.filter { $0.contains("database is unreachable") }.count == 1, "\(lines)")
        #expect(!lines.contains { $0.contains("connection for pool failed") }, "one line per failed request")
        #expect(lines.filter { $0.contains("reachable again") }.count == 1, "\(lines)")
    }
}
