import Foundation
import NIOCore
@testable import ParleyCore
import Testing

/// The HTTP client webhook deliveries go out with, against a real server on loopback that answers
/// as each test scripts it.
@Suite("Webhook HTTP client")
struct WebhookHTTPClientTests {
    static let body = ByteBuffer(string: #"{"id":"evt_1"}"#)

    /// Posts with a timeout no test means to reach, unless it says otherwise: a test runs beside
    /// hundreds of others, which can hold it up for seconds.
    static func post(_ client: WebhookHTTPClient, _ url: String, timeout: Duration = .seconds(60)) async throws -> Int {
        try await client.post(
            url: url, headers: [("Content-Type", "application/json")], body: body, timeout: timeout)
    }

    /// A client whose connections stay open while idle for as long as a test could be held up.
    static func withClient(
        connectionsPerOrigin: Int = 8, idleTimeout: Duration = .seconds(120), trustRootsFile: String? = nil,
        _ body: (WebhookHTTPClient) async throws -> Void
    ) async throws {
        let client = WebhookHTTPClient(
            connectionsPerOrigin: connectionsPerOrigin, idleTimeout: idleTimeout, trustRootsFile: trustRootsFile)
        do {
            try await body(client)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    @Test func postsOneAfterAnotherShareOneConnection() async throws {
        let server = try ScriptedHTTPServer()
        try await server.serve { url in
            try await Self.withClient { client in
                for _ in 0..<3 {
                    let status = try await Self.post(client, url)
                    #expect(status == 204)
                }
            }
        }
        #expect(server.requests == 3)
        #expect(server.connectionsAccepted == 1)
    }

    @Test func aConnectionIdlePastTheIdleTimeIsClosedAndTheNextPostOpensAnother() async throws {
        let server = try ScriptedHTTPServer()
        try await server.serve { url in
            try await Self.withClient(idleTimeout: .milliseconds(100)) { client in
                let status = try await Self.post(client, url)
                #expect(status == 204)
                try await server.untilNoConnectionIsOpen()
                let second = try await Self.post(client, url)
                #expect(second == 204)
            }
        }
        #expect(server.connectionsAccepted == 2)
    }

    @Test func theAnswersBodyIsReadSoTheConnectionServesTheNextPost() async throws {
        let server = try ScriptedHTTPServer { _ in .status(200, body: String(repeating: "ok ", count: 10_000)) }
        try await server.serve { url in
            try await Self.withClient { client in
                let status = try await Self.post(client, url)
                #expect(status == 200)
                let second = try await Self.post(client, url)
                #expect(second == 200)
            }
        }
        #expect(server.connectionsAccepted == 1)
    }

    @Test func aReceiverThatClosesAfterEachAnswerGetsANewConnectionForEachPost() async throws {
        let server = try ScriptedHTTPServer { _ in .statusThenClose(202) }
        try await server.serve { url in
            try await Self.withClient { client in
                let status = try await Self.post(client, url)
                #expect(status == 202)
                let second = try await Self.post(client, url)
                #expect(second == 202)
            }
        }
        #expect(server.connectionsAccepted == 2)
    }

    @Test func aKeptConnectionTheReceiverClosedUnannouncedIsReplacedWithoutFailingThePost() async throws {
        let server = try ScriptedHTTPServer { _ in .statusThenSilentClose(204) }
        try await server.serve { url in
            try await Self.withClient { client in
                for _ in 0..<4 {
                    let status = try await Self.post(client, url)
                    #expect(status == 204)
                }
            }
        }
        #expect(server.requests == 4)
        #expect(server.connectionsAccepted == 4)
    }

    @Test func anAnswerThatIsNot2xxIsReturnedAsItsStatus() async throws {
        let server = try ScriptedHTTPServer { _ in .status(500) }
        try await server.serve { url in
            try await Self.withClient { client in
                let status = try await Self.post(client, url)
                #expect(status == 500)
            }
        }
    }

    @Test func noAnswerWithinTheTimeoutFailsAndSaysHowLongItWaited() async throws {
        let server = try ScriptedHTTPServer { _ in .silence }
        try await server.serve { url in
            try await Self.withClient { client in
                let started = ContinuousClock.now
                let error = await #expect(throws: WebhookPostError.self) {
                    try await Self.post(client, url, timeout: .milliseconds(300))
                }
                #expect(ContinuousClock.now - started < .seconds(30))
                #expect(error?.description == "no answer within 0.3 seconds")
            }
        }
    }

    @Test func aSlowAnswerWithinTheTimeoutIsTaken() async throws {
        let server = try ScriptedHTTPServer { _ in .delayed(204, .milliseconds(200)) }
        try await server.serve { url in
            try await Self.withClient { client in
                let status = try await Self.post(client, url)
                #expect(status == 204)
            }
        }
    }

    @Test func postsToOneReceiverUseAtMostTheLimitOfConnections() async throws {
        let server = try ScriptedHTTPServer { _ in .delayed(204, .milliseconds(50)) }
        try await server.serve { url in
            try await Self.withClient(connectionsPerOrigin: 2) { client in
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<8 { group.addTask { try await Self.post(client, url) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses == Array(repeating: 204, count: 8))
            }
        }
        #expect(server.mostConnectionsOpenAtOnce == 2)
        #expect(server.connectionsAccepted == 2)
    }

    @Test func aReceiverThatIsNotListeningFailsToConnect() async throws {
        // Nothing listens on port 1 (a port freed by a test could be taken by another running beside it).
        try await Self.withClient { client in
            let error = await #expect(throws: WebhookPostError.self) {
                try await Self.post(client, "http://127.0.0.1:1/hook")
            }
            #expect(error?.description.hasPrefix("could not connect") == true, "\(String(describing: error))")
        }
    }

    static func certificate(for names: [String]) async throws -> TestCertificate {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-webhook-tls-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try await TestCertificate(names: names, in: directory)
    }

    @Test func anHTTPSReceiverWithATrustedCertificateGetsThePostsOnOneConnection() async throws {
        let certificate = try await Self.certificate(for: ["localhost"])
        let server = try ScriptedHTTPServer(certificate: (certificate.certificate, certificate.key))
        try await server.serve(host: "localhost") { url in
            try await Self.withClient(trustRootsFile: certificate.certificate) { client in
                let status = try await Self.post(client, url)
                #expect(status == 204)
                let second = try await Self.post(client, url)
                #expect(second == 204)
            }
        }
        #expect(server.requests == 2)
        #expect(server.connectionsAccepted == 1)
    }

    @Test func anHTTPSReceiverWhoseCertificateIsNotTrustedGetsNothing() async throws {
        let certificate = try await Self.certificate(for: ["localhost"])
        let server = try ScriptedHTTPServer(certificate: (certificate.certificate, certificate.key))
        try await server.serve(host: "localhost") { url in
            try await Self.withClient { client in
                await #expect(throws: WebhookPostError.self) { try await Self.post(client, url) }
            }
        }
        #expect(server.requests == 0)
    }

    @Test func anHTTPSReceiverWhoseCertificateNamesAnotherHostGetsNothing() async throws {
        let certificate = try await Self.certificate(for: ["hooks.elsewhere.test"])
        let server = try ScriptedHTTPServer(certificate: (certificate.certificate, certificate.key))
        try await server.serve(host: "localhost") { url in
            try await Self.withClient(trustRootsFile: certificate.certificate) { client in
                await #expect(throws: WebhookPostError.self) { try await Self.post(client, url) }
            }
        }
        #expect(server.requests == 0)
    }

    @Test func anAddressThatIsNotHTTPIsRefused() async throws {
        try await Self.withClient { client in
            await #expect(throws: WebhookPostError.self) { try await Self.post(client, "ftp://127.0.0.1/hook") }
        }
    }

    @Test func theTargetKeepsThePathAndQueryAndNamesANonDefaultPort() throws {
        let target = try #require(WebhookTarget("https://hooks.example.com:8443/in/parley?key=a%20b"))
        #expect(target.origin == .init(isSecure: true, host: "hooks.example.com", port: 8443))
        #expect(target.requestTarget == "/in/parley?key=a%20b")
        #expect(target.hostHeader == "hooks.example.com:8443")
        let plain = try #require(WebhookTarget("http://[::1]"))
        #expect(plain.origin == .init(isSecure: false, host: "::1", port: 80))
        #expect(plain.requestTarget == "/")
        #expect(plain.hostHeader == "[::1]")
    }
}
