import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import HummingbirdWebSocket
import Logging
import ParleyCore
@testable import ParleyServer
import ParleyTestSupport
import Testing

/// Two instances on one PostgreSQL database behave as one (issue 10): live messages, revoked
/// tokens, the chat switch and the send limit cross from one to the other through the bus.
@Suite("Two instances on one database", .enabled(if: TestDatabase.engine == .postgres))
struct ClusterTests {
    typealias Inbox = RealtimeTests.Inbox

    /// An instance: its own application, bus and caches over the shared database.
    struct Instance: Sendable {
        let api: APIClient
        let dependencies: AppDependencies
    }

    static func run(
        sendRateLimit: SendRateLimit? = .standard,
        _ body: @Sendable (ChatTestContext, Instance, Instance) async throws -> Void
    ) async throws {
        try await ChatTestContext.run { chat in
            let first = AppDependencies(database: chat.database, bcryptCost: 4, sendRateLimit: sendRateLimit)
            let second = AppDependencies(database: chat.database, bcryptCost: 4, sendRateLimit: sendRateLimit)
            let appA = try await buildApplication(
                host: "127.0.0.1", port: 0, dependencies: first, ownsDatabase: false, logger: Logger(label: "a"),
                connections: .patient)
            let appB = try await buildApplication(
                host: "127.0.0.1", port: 0, dependencies: second, ownsDatabase: false, logger: Logger(label: "b"),
                connections: .patient)
            try await appA.test(.live) { clientA in
                try await appB.test(.live) { clientB in
                    for bus in [first.events, second.events] {
                        await (bus as? PostgresEventBus)?.waitUntilListening()
                    }
                    try await body(
                        chat, Instance(api: APIClient(client: clientA), dependencies: first),
                        Instance(api: APIClient(client: clientB), dependencies: second))
                }
            }
        }
    }

    @Test func aMessageSentThroughOneInstanceArrivesOnASocketHeldByAnother() async throws {
        try await Self.run { chat, a, b in
            let (customer, vendor, _, session) = try await chat.fixtures.conversation(chat: a.dependencies.chat)
            let sender = try await a.api.signIn(customer.email)
            let listener = try await b.api.signIn(vendor.email)
            let inbox = Inbox()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await b.api.client.ws("/api/v1/realtime?token=\(listener.token!)") { inbound, _, _ in
                        for try await message in inbound.messages(maxSize: 1 << 16) {
                            if case .text(let text) = message { inbox.append(text) }
                            if inbox.types().contains("message.created") { return }
                        }
                    }
                }
                #expect(try await inbox.wait(for: "connection.ready") != nil)
                _ = try await sender.send(
                    .post, "/api/v1/chat-sessions/\(session.id)/messages", json: #"{"body":"Across?"}"#)
                let created = try #require(try await inbox.wait(for: "message.created"))
                #expect((created["data"] as? [String: Any])?["body"] as? String == "Across?")
                try await group.waitForAll()
            }
            // B timed how long the message took to reach it (parley_event_bus_lag_seconds).
            let exposition = String(decoding: b.dependencies.metrics.exposition(), as: UTF8.self)
            let count = exposition.split(separator: "\n").first { $0.hasPrefix("parley_event_bus_lag_seconds_count") }
            #expect(count.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0 >= 1, "\(exposition)")
        }
    }

    @Test func aTokenRevokedThroughOneInstanceIsRefusedByAnotherWithinASecond() async throws {
        try await Self.run { chat, a, b in
            let customer = try await chat.fixtures.user(.customer)
            let signedIn = try await a.api.signIn(customer.email)
            var onB = b.api
            onB.token = signedIn.token
            // B has looked the token up and remembers it.
            #expect(try await onB.send(.get, "/api/v1/chat-sessions").status == .ok)
            #expect(try await signedIn.send(.delete, "/api/v1/auth/token").status == .noContent)
            let revoked = ContinuousClock.now
            var status = try await onB.send(.get, "/api/v1/chat-sessions").status
            while status == .ok, ContinuousClock.now - revoked < .seconds(3) {
                try await Task.sleep(for: .milliseconds(20))
                status = try await onB.send(.get, "/api/v1/chat-sessions").status
            }
            #expect(status == .unauthorized)
            #expect(ContinuousClock.now - revoked < .seconds(1))
        }
    }

    @Test func switchingChatOffThroughOneInstanceClosesSocketsHeldByAnother() async throws {
        try await Self.run { chat, a, b in
            let customer = try await chat.fixtures.user(.customer)
            let signedIn = try await b.api.signIn(customer.email)
            let inbox = Inbox()
            let close = try await withThrowingTaskGroup(of: WebSocketCloseFrame?.self) { group in
                group.addTask {
                    try await b.api.client.ws("/api/v1/realtime?token=\(signedIn.token!)") { inbound, _, _ in
                        for try await message in inbound.messages(maxSize: 1 << 16) {
                            if case .text(let text) = message { inbox.append(text) }
                        }
                    }
                }
                _ = try await inbox.wait(for: "connection.ready")
                try await a.dependencies.settings.setChatEnabled(false)
                return try await group.next() ?? nil
            }
            #expect(close?.reason == "chat_disabled")
            #expect(try await signedIn.send(.get, "/api/v1/chat-sessions").errorCode == "chat_disabled")
        }
    }

    @Test func theSendLimitCountsSendsMadeThroughAnotherInstance() async throws {
        try await Self.run(sendRateLimit: SendRateLimit(messages: 4, seconds: 3600)) { chat, a, b in
            let (customer, _, _, session) = try await chat.fixtures.conversation(chat: a.dependencies.chat)
            let onA = try await a.api.signIn(customer.email)
            var onB = b.api
            onB.token = onA.token
            let heardOnB = EventRecorder(stream: b.dependencies.events.subscribe(bufferSize: 64, from: .otherInstances))
            let path = "/api/v1/chat-sessions/\(session.id)/messages"
            for index in 0..<3 {
                #expect(try await onA.send(.post, path, json: #"{"body":"a\#(index)"}"#).status == .created)
            }
            // The session's creation and the three sends.
            _ = await heardOnB.events(atLeast: 4)
            #expect(try await onB.send(.post, path, json: #"{"body":"b0"}"#).status == .created)
            #expect(try await onB.send(.post, path, json: #"{"body":"b1"}"#).status == .tooManyRequests)
        }
    }
}
