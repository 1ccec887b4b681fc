import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import HummingbirdWebSocket
import NIOConcurrencyHelpers
import ParleyCore
import ParleyTestSupport
import Testing

@Suite("Realtime WebSocket")
struct RealtimeTests {
    /// Texts of the frames a connection received, collected in the background.
    final class Inbox: Sendable {
        private let frames = NIOLockedValueBox<[String]>([])

        func append(_ text: String) { frames.withLockedValue { $0.append(text) } }

        func types() -> [String] {
            frames.withLockedValue { frames in
                frames.compactMap {
                    (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["type"] as? String
                }
            }
        }

        func wait(for type: String, seconds: Double = 5) async throws -> [String: Any]? {
            let deadline = ContinuousClock.now + .seconds(seconds)
            while ContinuousClock.now < deadline {
                let match = frames.withLockedValue { frames in
                    frames.lazy.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                        .first { $0["type"] as? String == type }
                }
                if let match { return match }
                try await Task.sleep(for: .milliseconds(10))
            }
            return nil
        }
    }

    @Test func aMessageArrivesLiveAndItsReadReceiptComesBack() async throws {
        try await APITestContext.run { context in
            let (customer, vendor, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let alice = try await context.api.signIn(customer.email)
            let bob = try await context.api.signIn(vendor.email)
            let bobInbox = Inbox()
            let aliceInbox = Inbox()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (token, inbox) in [(bob.token!, bobInbox), (alice.token!, aliceInbox)] {
                    group.addTask {
                        try await context.api.client.ws("/api/v1/realtime?token=\(token)") { inbound, _, _ in
                            for try await message in inbound.messages(maxSize: 1 << 16) {
                                if case .text(let text) = message { inbox.append(text) }
                                if inbox.types().contains("messages.read") { return }
                            }
                        }
                    }
                }
                #expect(try await bobInbox.wait(for: "connection.ready") != nil)
                #expect(try await aliceInbox.wait(for: "connection.ready") != nil)
                let sent = try await alice.send(
                    .post, "/api/v1/chat-sessions/\(session.id)/messages", json: #"{"body":"Live?"}"#)
                let created = try #require(try await bobInbox.wait(for: "message.created"))
                let data = created["data"] as? [String: Any]
                #expect(data?["body"] as? String == "Live?")
                #expect(data?["id"] as? Int == sent.json["id"] as? Int)
                _ = try await bob.send(.post, "/api/v1/chat-sessions/\(session.id)/read", json: "{}")
                let receipt = try #require(try await aliceInbox.wait(for: "messages.read"))
                #expect((receipt["data"] as? [String: Any])?["reader_id"] as? Int == Int(vendor.id))
                _ = try await bobInbox.wait(for: "messages.read")
                try await group.waitForAll()
            }
        }
    }

    @Test func aStrangerHearsNothingAndABadTokenIsRefused() async throws {
        try await APITestContext.run { context in
            let (customer, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let stranger = try await context.chat.fixtures.user(.customer)
            let eve = try await context.api.signIn(stranger.email)
            let inbox = Inbox()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await context.api.client.ws("/api/v1/realtime?token=\(eve.token!)") { inbound, outbound, _ in
                        for try await message in inbound.messages(maxSize: 1 << 16) {
                            if case .text(let text) = message { inbox.append(text) }
                            if inbox.types().contains("connection.ready") {
                                try await Task.sleep(for: .milliseconds(300))
                                try await outbound.close(.normalClosure, reason: nil)
                            }
                        }
                    }
                }
                _ = try await inbox.wait(for: "connection.ready")
                _ = try await context.chat.chat.sendMessage(
                    sessionID: session.id, senderID: customer.id, body: "private")
                try await group.waitForAll()
            }
            #expect(inbox.types() == ["connection.ready"])
            let refused = try await context.api.send(.get, "/api/v1/realtime?token=forged")
            #expect(refused.status == .unauthorized)
            let close = try await context.api.client.ws("/api/v1/realtime?token=forged") { inbound, _, _ in
                for try await _ in inbound.messages(maxSize: 1 << 16) { Issue.record("a frame for a forged token") }
            }
            #expect(close?.closeCode == .policyViolation && close?.reason == "unauthorized")
        }
    }

    @Test func aSocketOpenedWhileChatIsOffIsClosedWithTheReason() async throws {
        try await APITestContext.run { context in
            let customer = try await context.chat.fixtures.user(.customer)
            let api = try await context.api.signIn(customer.email)
            try await SettingsService(database: context.chat.database).setChatEnabled(false)
            let close = try await context.api.client.ws("/api/v1/realtime?token=\(api.token!)") { inbound, _, _ in
                for try await _ in inbound.messages(maxSize: 1 << 16) { Issue.record("a frame while chat is off") }
            }
            #expect(close?.closeCode == .policyViolation && close?.reason == "chat_disabled")
        }
    }

    @Test func turningChatOffClosesOpenSockets() async throws {
        try await APITestContext.run { context in
            let customer = try await context.chat.fixtures.user(.customer)
            let api = try await context.api.signIn(customer.email)
            let inbox = Inbox()
            let settings = SettingsService(database: context.chat.database, events: context.chat.events)
            let close = try await withThrowingTaskGroup(of: WebSocketCloseFrame?.self) { group in
                group.addTask {
                    try await context.api.client.ws("/api/v1/realtime?token=\(api.token!)") { inbound, _, _ in
                        for try await message in inbound.messages(maxSize: 1 << 16) {
                            if case .text(let text) = message { inbox.append(text) }
                        }
                    }
                }
                _ = try await inbox.wait(for: "connection.ready")
                try await settings.setChatEnabled(false)
                return try await group.next() ?? nil
            }
            #expect(close?.reason == "chat_disabled")
        }
    }
}
