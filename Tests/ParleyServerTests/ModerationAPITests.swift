import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyCore
import ParleyTestSupport
import Testing

/// Contact-detail flags on API messages, blocking and reporting through the API, and what a ban
/// does to a user's access.
@Suite("API: flags, block, report, ban")
struct ModerationAPITests {
    static let withNumber = "text me on 0412 345 678 tonight"

    static func setPolicy(_ policy: ContactDetailPolicy, _ context: APITestContext) async throws {
        try await SettingsService(database: context.chat.database).setContactDetailPolicy(policy)
    }

    @Test func everyMessageCarriesFlagsEmptyWhenNothingWasDetected() async throws {
        try await APITestContext.run { context in
            let (customer, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let api = try await context.api.signIn(customer.email)
            let sent = try await api.send(
                .post, "/api/v1/chat-sessions/\(session.id)/messages", json: #"{"body":"Is it still available?"}"#)
            #expect(sent.status == .created)
            #expect(sent.json["flags"] as? [String] == [])
        }
    }

    @Test func inFlagModeAMessageWithContactDetailsIsFlaggedAndDeliveredAsWritten() async throws {
        try await APITestContext.run { context in
            try await Self.setPolicy(.flag, context)
            let (customer, vendor, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let api = try await context.api.signIn(customer.email)
            let sent = try await api.send(
                .post, "/api/v1/chat-sessions/\(session.id)/messages", json: #"{"body":"\#(Self.withNumber)"}"#)
            #expect(sent.json["flags"] as? [String] == ["contact_details"])
            #expect(sent.json["body"] as? String == Self.withNumber)
            let vendorAPI = try await context.api.signIn(vendor.email)
            let listed = try await vendorAPI.send(.get, "/api/v1/chat-sessions/\(session.id)/messages")
            let first = (listed.json["data"] as? [[String: Any]])?.first
            #expect(first?["flags"] as? [String] == ["contact_details"])
        }
    }

    @Test func inHideModeBothParticipantsReadTheHiddenTextInAnswersListsAndEvents() async throws {
        try await APITestContext.run { context in
            try await Self.setPolicy(.hide, context)
            let (customer, vendor, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let api = try await context.api.signIn(customer.email)
            let sent = try await api.send(
                .post, "/api/v1/chat-sessions/\(session.id)/messages", json: #"{"body":"\#(Self.withNumber)"}"#)
            let hidden = try #require(sent.json["body"] as? String)
            #expect(hidden == "text me on \(ContactDetailDetector.redaction) tonight")
            for reader in [customer, vendor] {
                let readerAPI = try await context.api.signIn(reader.email)
                let listed = try await readerAPI.send(.get, "/api/v1/chat-sessions/\(session.id)/messages")
                let bodies = (listed.json["data"] as? [[String: Any]])?.compactMap { $0["body"] as? String }
                #expect(bodies == [hidden])
                let shown = try await readerAPI.send(.get, "/api/v1/chat-sessions/\(session.id)")
                #expect((shown.json["last_message"] as? [String: Any])?["preview"] as? String == hidden)
            }
            // The realtime event and the webhook payload are written from the same stored message.
            let stored = try await context.chat.database.read { db in
                try await ChatMessageRepository(db).list(sessionID: session.id)
            }
            #expect(stored.first?.originalBody == Self.withNumber)
            #expect(!String(decoding: try JSONEncoder().encode(stored.first?.body), as: UTF8.self).contains("0412"))
        }
    }

    @Test func blockingAnswersTheSessionAndTheOtherSideSeesItAndCannotSend() async throws {
        try await APITestContext.run { context in
            let (customer, vendor, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let customerAPI = try await context.api.signIn(customer.email)
            let vendorAPI = try await context.api.signIn(vendor.email)
            let blocked = try await customerAPI.send(.post, "/api/v1/chat-sessions/\(session.id)/block")
            #expect(blocked.status == .ok)
            #expect(blocked.json["blocked_by_me"] as? Bool == true)
            #expect(blocked.json["blocked_by_other"] as? Bool == false)
            let seen = try await vendorAPI.send(.get, "/api/v1/chat-sessions/\(session.id)")
            #expect(seen.json["blocked_by_other"] as? Bool == true)
            let refused = try await vendorAPI.send(
                .post, "/api/v1/chat-sessions/\(session.id)/messages", json: #"{"body":"please answer"}"#)
            #expect(refused.status == .forbidden)
            #expect(refused.errorCode == "blocked")
            // The blocker still reads the history.
            #expect(try await customerAPI.send(.get, "/api/v1/chat-sessions/\(session.id)/messages").status == .ok)
            let unblocked = try await customerAPI.send(.delete, "/api/v1/chat-sessions/\(session.id)/block")
            #expect(unblocked.json["blocked_by_me"] as? Bool == false)
            let again = try await vendorAPI.send(
                .post, "/api/v1/chat-sessions/\(session.id)/messages", json: #"{"body":"thanks"}"#)
            #expect(again.status == .created)
        }
    }

    @Test func someoneElsesSessionAnswers404AndAnAdministratorsToken403() async throws {
        try await APITestContext.run { context in
            let (_, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let stranger = try await context.chat.fixtures.user(.customer)
            let admin = try await context.chat.fixtures.user(.admin)
            let strangerAPI = try await context.api.signIn(stranger.email)
            let adminAPI = try await context.api.signIn(admin.email)
            for path in ["block", "reports"] {
                let json = path == "reports" ? #"{"reason":"spam"}"# : nil
                let other = try await strangerAPI.send(.post, "/api/v1/chat-sessions/\(session.id)/\(path)", json: json)
                #expect(other.status == .notFound, "\(path)")
                let admins = try await adminAPI.send(.post, "/api/v1/chat-sessions/\(session.id)/\(path)", json: json)
                #expect(admins.status == .forbidden, "\(path)")
                #expect(admins.errorCode == "not_participant", "\(path)")
            }
        }
    }

    @Test func aReportAnswers201AndABadReasonOrNoteAnswers422() async throws {
        try await APITestContext.run { context in
            let (customer, vendor, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let message = try await context.chat.chat.sendMessage(
                sessionID: session.id, senderID: vendor.id, body: "pay outside")
            let api = try await context.api.signIn(customer.email)
            let path = "/api/v1/chat-sessions/\(session.id)/reports"
            let created = try await api.send(
                .post, path, json: #"{"reason":"off_platform","message_id":\#(message.id),"note":"wants cash"}"#)
            #expect(created.status == .created)
            #expect(created.json["state"] as? String == "open")
            #expect(created.json["message_id"] as? Int == Int(message.id))
            let badReason = try await api.send(.post, path, json: #"{"reason":"boring"}"#)
            #expect(badReason.status == .unprocessableContent)
            #expect(badReason.errorCode == "invalid_reason")
            let long = String(repeating: "x", count: ModerationService.maximumNoteLength + 1)
            let badNote = try await api.send(.post, path, json: #"{"reason":"spam","note":"\#(long)"}"#)
            #expect(badNote.errorCode == "note_too_long")
            let foreign = try await api.send(.post, path, json: #"{"reason":"spam","message_id":999999}"#)
            #expect(foreign.status == .unprocessableContent)
            #expect(foreign.errorCode == "unknown_message")
        }
    }

    @Test func aBannedUsersTokenStopsWorkingAndTheirSignInAnswers403Banned() async throws {
        try await APITestContext.run { context in
            let (_, vendor, _, _) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let api = try await context.api.signIn(vendor.email)
            #expect(try await api.send(.get, "/api/v1/chat-sessions").status == .ok)
            try await context.dependencies.moderation.ban(userID: vendor.id)
            var status = try await api.send(.get, "/api/v1/chat-sessions").status
            // The token cache hears the ban through the bus; allow it a moment on PostgreSQL.
            for _ in 0..<50 where status != .unauthorized {
                try await Task.sleep(for: .milliseconds(20))
                status = try await api.send(.get, "/api/v1/chat-sessions").status
            }
            #expect(status == .unauthorized)
            let signIn = try await context.api.send(
                .post, "/api/v1/auth/token",
                json: #"{"email":"\#(vendor.email)","password":"\#(Fixtures.password)"}"#)
            #expect(signIn.status == .forbidden)
            #expect(signIn.errorCode == "banned")
            try await context.dependencies.moderation.unban(userID: vendor.id)
            _ = try await context.api.signIn(vendor.email)
        }
    }
}
