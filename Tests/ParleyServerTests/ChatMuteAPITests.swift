import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyCore
import ParleyTestSupport
import Testing

/// `PUT` and `DELETE /api/v1/chat-sessions/{id}/mute`, and `muted` in the session's representation.
@Suite("Chat API: muting a conversation")
struct ChatMuteAPITests {
    static func session(_ api: APIClient, _ id: Int64) async throws -> [String: Any] {
        try await api.send(.get, "/api/v1/chat-sessions/\(id)").json
    }

    @Test func aParticipantMutesAConversationAndSeesItMuted() async throws {
        try await APITestContext.run { context in
            let (customer, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let api = try await context.api.signIn(customer.email)
            #expect(try await Self.session(api, session.id)["muted"] as? Bool == false)
            #expect(try await api.send(.put, "/api/v1/chat-sessions/\(session.id)/mute").status == .noContent)
            #expect(try await Self.session(api, session.id)["muted"] as? Bool == true)
        }
    }

    @Test func mutingTwiceAndUnmutingTwiceEachAnswer204() async throws {
        try await APITestContext.run { context in
            let (_, vendor, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let api = try await context.api.signIn(vendor.email)
            let path = "/api/v1/chat-sessions/\(session.id)/mute"
            #expect(try await api.send(.put, path).status == .noContent)
            #expect(try await api.send(.put, path).status == .noContent)
            #expect(try await Self.session(api, session.id)["muted"] as? Bool == true)
            #expect(try await api.send(.delete, path).status == .noContent)
            #expect(try await api.send(.delete, path).status == .noContent)
            #expect(try await Self.session(api, session.id)["muted"] as? Bool == false)
        }
    }

    @Test func aMuteIsTheCallersOwnAndTheOtherParticipantStillSeesItUnmuted() async throws {
        try await APITestContext.run { context in
            let (customer, vendor, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let vendorAPI = try await context.api.signIn(vendor.email)
            let customerAPI = try await context.api.signIn(customer.email)
            _ = try await vendorAPI.send(.put, "/api/v1/chat-sessions/\(session.id)/mute")
            #expect(try await Self.session(customerAPI, session.id)["muted"] as? Bool == false)
        }
    }

    @Test func theSessionListShowsWhichConversationsTheCallerMuted() async throws {
        try await APITestContext.run { context in
            let fixtures = context.chat.fixtures
            let customer = try await fixtures.user(.customer)
            var sessions: [ChatSession] = []
            for _ in 0..<3 {
                let vendor = try await fixtures.user(.vendor)
                let product = try await fixtures.product(vendor: vendor)
                sessions.append(
                    try await context.chat.chat.createSession(
                        productID: product.id, customerID: customer.id, vendorID: vendor.id))
            }
            let api = try await context.api.signIn(customer.email)
            _ = try await api.send(.put, "/api/v1/chat-sessions/\(sessions[1].id)/mute")
            let list = try await api.send(.get, "/api/v1/chat-sessions").json["data"] as? [[String: Any]] ?? []
            var muted: [Int: Bool] = [:]
            for item in list { muted[item["id"] as? Int ?? 0] = item["muted"] as? Bool }
            #expect(muted == [Int(sessions[0].id): false, Int(sessions[1].id): true, Int(sessions[2].id): false])
        }
    }

    @Test func mutingSomeoneElsesConversationAnswers404() async throws {
        try await APITestContext.run { context in
            let (_, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let stranger = try await context.api.signIn(try await context.chat.fixtures.user(.customer).email)
            for method in [HTTPRequest.Method.put, .delete] {
                let response = try await stranger.send(method, "/api/v1/chat-sessions/\(session.id)/mute")
                #expect(response.status == .notFound && response.errorCode == "not_found")
            }
            let missing = try await stranger.send(.put, "/api/v1/chat-sessions/999999/mute")
            #expect(missing.status == .notFound && missing.errorCode == "not_found")
            let notANumber = try await stranger.send(.put, "/api/v1/chat-sessions/abc/mute")
            #expect(notANumber.status == .notFound)
        }
    }

    @Test func anAdministratorsTokenCannotMuteAConversation() async throws {
        try await APITestContext.run { context in
            let (_, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let admin = try await context.api.signIn(try await context.chat.fixtures.user(.admin).email)
            let response = try await admin.send(.put, "/api/v1/chat-sessions/\(session.id)/mute")
            #expect(response.status == .forbidden && response.errorCode == "not_participant")
            #expect(try await Self.session(admin, session.id)["muted"] as? Bool == false)
        }
    }

    @Test func mutingAnswers403WhileChatIsSwitchedOff() async throws {
        try await APITestContext.run { context in
            let (customer, _, _, session) = try await context.chat.fixtures.conversation(chat: context.chat.chat)
            let api = try await context.api.signIn(customer.email)
            try await context.dependencies.settings.setChatEnabled(false)
            let response = try await api.send(.put, "/api/v1/chat-sessions/\(session.id)/mute")
            #expect(response.status == .forbidden && response.errorCode == "chat_disabled")
        }
    }
}

/// `GET` and `PATCH /api/v1/me/preferences`.
@Suite("Preferences API")
struct PreferencesAPITests {
    @Test func emailRemindersAreOnUntilTheUserTurnsThemOff() async throws {
        try await APITestContext.run { context in
            let customer = try await context.chat.fixtures.user(.customer)
            let api = try await context.api.signIn(customer.email)
            let initial = try await api.send(.get, "/api/v1/me/preferences")
            #expect(initial.status == .ok && initial.json["email_reminders"] as? Bool == true)
            let off = try await api.send(.patch, "/api/v1/me/preferences", json: #"{"email_reminders":false}"#)
            #expect(off.status == .ok && off.json["email_reminders"] as? Bool == false)
            #expect(try await api.send(.get, "/api/v1/me/preferences").json["email_reminders"] as? Bool == false)
            let stored = try await context.dependencies.preferences.preferences(of: customer)
            #expect(stored == NotificationPreferences(emailReminders: false))
        }
    }

    @Test func aPatchWithoutTheFieldChangesNothing() async throws {
        try await APITestContext.run { context in
            let api = try await context.api.signIn(try await context.chat.fixtures.user(.vendor).email)
            _ = try await api.send(.patch, "/api/v1/me/preferences", json: #"{"email_reminders":false}"#)
            let response = try await api.send(.patch, "/api/v1/me/preferences", json: #"{"other":1}"#)
            #expect(response.status == .ok && response.json["email_reminders"] as? Bool == false)
        }
    }

    @Test(arguments: [
        (#"{"email_reminders":null}"#, "invalid_field"),
        (#"{"email_reminders":"no"}"#, "invalid_field"),
        (#"[]"#, "malformed_json"),
        (#""#, "malformed_json"),
    ])
    func aMalformedPatchIsRefusedWith400(body: String, code: String) async throws {
        try await APITestContext.run { context in
            let api = try await context.api.signIn(try await context.chat.fixtures.user(.customer).email)
            let response = try await api.send(.patch, "/api/v1/me/preferences", json: body)
            #expect(response.status == .badRequest && response.errorCode == code)
            #expect(try await api.send(.get, "/api/v1/me/preferences").json["email_reminders"] as? Bool == true)
        }
    }

    @Test func eachUsersPreferenceIsTheirOwn() async throws {
        try await APITestContext.run { context in
            let one = try await context.api.signIn(try await context.chat.fixtures.user(.customer).email)
            let other = try await context.api.signIn(try await context.chat.fixtures.user(.customer).email)
            _ = try await one.send(.patch, "/api/v1/me/preferences", json: #"{"email_reminders":false}"#)
            #expect(try await other.send(.get, "/api/v1/me/preferences").json["email_reminders"] as? Bool == true)
        }
    }

    @Test func preferencesNeedASignedInCaller() async throws {
        try await APITestContext.run { context in
            let response = try await context.api.send(.get, "/api/v1/me/preferences")
            #expect(response.status == .unauthorized && response.errorCode == "unauthorized")
        }
    }
}
