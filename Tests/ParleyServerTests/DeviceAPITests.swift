import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyCore
import ParleyTestSupport
import Testing

/// `/api/v1/devices`: registering, listing and removing the caller's devices for push.
@Suite("Device API")
struct DeviceAPITests {
    static func register(_ api: APIClient, _ token: String, platform: String = "ios") async throws -> TestResponse {
        try await api.send(.post, "/api/v1/devices", json: #"{"platform":"\#(platform)","token":"\#(token)"}"#)
    }

    static func tokens(_ api: APIClient) async throws -> [String] {
        let list = try await api.send(.get, "/api/v1/devices")
        #expect(list.status == .ok && list.json.keys.contains("next_cursor"))
        return (list.json["data"] as? [[String: Any]] ?? []).compactMap { $0["token"] as? String }
    }

    @Test func aNewDeviceAnswers201WithItsPlatformTokenAndCreationTime() async throws {
        try await APITestContext.run { context in
            let customer = try await context.chat.fixtures.user(.customer)
            let api = try await context.api.signIn(customer.email)
            let response = try await Self.register(api, "apns-0123abcd", platform: "android")
            #expect(response.status == .created)
            #expect(
                response.json["platform"] as? String == "android"
                    && response.json["token"] as? String == "apns-0123abcd")
            #expect((response.json["created_at"] as? String)?.hasSuffix("Z") == true)
            #expect(try await Self.tokens(api) == ["apns-0123abcd"])
        }
    }

    @Test func registeringTheSameDeviceAgainAnswers200AndKeepsOneRow() async throws {
        try await APITestContext.run { context in
            let customer = try await context.chat.fixtures.user(.customer)
            let api = try await context.api.signIn(customer.email)
            let first = try await Self.register(api, "same-token")
            let again = try await Self.register(api, "same-token")
            #expect(first.status == .created && again.status == .ok)
            #expect(again.json["created_at"] as? String == first.json["created_at"] as? String)
            #expect(try await Self.tokens(api) == ["same-token"])
        }
    }

    @Test func aTokenRegisteredByAnotherUserMovesToTheCaller() async throws {
        try await APITestContext.run { context in
            let seller = try await context.chat.fixtures.user(.vendor)
            let buyer = try await context.chat.fixtures.user(.customer)
            let before = try await context.api.signIn(seller.email)
            let after = try await context.api.signIn(buyer.email)
            #expect(try await Self.register(before, "second-hand-phone").status == .created)
            #expect(try await Self.register(after, "second-hand-phone").status == .created)
            #expect(try await Self.tokens(before).isEmpty)
            #expect(try await Self.tokens(after) == ["second-hand-phone"])
        }
    }

    @Test func theLeastRecentlyRegisteredDeviceIsDroppedPastTheCap() async throws {
        try await APITestContext.run { context in
            let customer = try await context.chat.fixtures.user(.customer)
            let api = try await context.api.signIn(customer.email)
            let cap = DeviceService.maximumDevicesPerUser
            for index in 0..<cap {
                #expect(try await Self.register(api, "device-\(index)").status == .created)
            }
            // Registered again, device-0 is now more recent than device-1.
            #expect(try await Self.register(api, "device-0").status == .ok)
            #expect(try await Self.register(api, "device-new").status == .created)
            let tokens = try await Self.tokens(api)
            #expect(tokens.count == cap)
            #expect(tokens.first == "device-new" && tokens.contains("device-0") && !tokens.contains("device-1"))
        }
    }

    @Test func theListHoldsOnlyTheCallersDevices() async throws {
        try await APITestContext.run { context in
            let one = try await context.api.signIn(try await context.chat.fixtures.user(.customer).email)
            let other = try await context.api.signIn(try await context.chat.fixtures.user(.vendor).email)
            _ = try await Self.register(one, "mine")
            _ = try await Self.register(other, "theirs", platform: "web")
            #expect(try await Self.tokens(one) == ["mine"])
            #expect(try await Self.tokens(other) == ["theirs"])
        }
    }

    @Test func removingOneOfTheCallersDevicesAnswers204() async throws {
        try await APITestContext.run { context in
            let api = try await context.api.signIn(try await context.chat.fixtures.user(.customer).email)
            _ = try await Self.register(api, "to-remove")
            #expect(try await api.send(.delete, "/api/v1/devices/to-remove").status == .noContent)
            #expect(try await Self.tokens(api).isEmpty)
            let again = try await api.send(.delete, "/api/v1/devices/to-remove")
            #expect(again.status == .notFound && again.errorCode == "not_found")
        }
    }

    @Test func removingSomeoneElsesDeviceAnswers404AndKeepsIt() async throws {
        try await APITestContext.run { context in
            let owner = try await context.api.signIn(try await context.chat.fixtures.user(.customer).email)
            let other = try await context.api.signIn(try await context.chat.fixtures.user(.customer).email)
            _ = try await Self.register(owner, "owned")
            let response = try await other.send(.delete, "/api/v1/devices/owned")
            #expect(response.status == .notFound && response.errorCode == "not_found")
            #expect(try await Self.tokens(owner) == ["owned"])
        }
    }

    @Test func aTokenHoldingASlashIsRemovedPercentEncoded() async throws {
        try await APITestContext.run { context in
            let api = try await context.api.signIn(try await context.chat.fixtures.user(.customer).email)
            let token = "https://push.example/send/abc?x=1"
            #expect(try await Self.register(api, token, platform: "web").status == .created)
            let encoded = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try await api.send(.delete, "/api/v1/devices/\(encoded)").status == .noContent)
            #expect(try await Self.tokens(api).isEmpty)
        }
    }

    @Test(arguments: [
        (#"{"platform":"blackberry","token":"t"}"#, "invalid_platform", "platform"),
        (#"{"platform":"ios","token":""}"#, "token_required", "token"),
        (#"{"platform":"ios","token":"has space"}"#, "invalid_token", "token"),
        (#"{"platform":"ios","token":"tab\there"}"#, "invalid_token", "token"),
        (#"{"platform":"ios","token":"caf\u00e9"}"#, "invalid_token", "token"),
        (#"{"platform":"ios","token":"\#(String(repeating: "x", count: 4_097))"}"#, "token_too_long", "token"),
    ])
    func anInvalidDeviceIsRefusedWith422NamingTheField(body: String, code: String, field: String) async throws {
        try await APITestContext.run { context in
            let api = try await context.api.signIn(try await context.chat.fixtures.user(.customer).email)
            let response = try await api.send(.post, "/api/v1/devices", json: body)
            #expect(response.status == .unprocessableContent && response.errorCode == code)
            #expect((response.json["error"] as? [String: Any])?["field"] as? String == field)
            #expect(try await Self.tokens(api).isEmpty)
        }
    }

    @Test(arguments: [
        (#"{"platform":"ios"}"#, "missing_field"),
        (#"{"platform":"ios","token":42}"#, "invalid_field"),
        (#"["ios"]"#, "malformed_json"),
    ])
    func aMalformedRegistrationIsRefusedWith400(body: String, code: String) async throws {
        try await APITestContext.run { context in
            let api = try await context.api.signIn(try await context.chat.fixtures.user(.customer).email)
            let response = try await api.send(.post, "/api/v1/devices", json: body)
            #expect(response.status == .badRequest && response.errorCode == code)
        }
    }

    @Test func aTokenOf4096CharactersIsAccepted() async throws {
        try await APITestContext.run { context in
            let api = try await context.api.signIn(try await context.chat.fixtures.user(.customer).email)
            let token = String(repeating: "~", count: DeviceService.maximumTokenLength)
            #expect(try await Self.register(api, token).status == .created)
        }
    }

    @Test func devicesNeedASignedInCaller() async throws {
        try await APITestContext.run { context in
            let response = try await context.api.send(
                .post, "/api/v1/devices", json: #"{"platform":"ios","token":"t"}"#)
            #expect(response.status == .unauthorized && response.errorCode == "unauthorized")
            #expect(try await context.api.send(.get, "/api/v1/devices").status == .unauthorized)
        }
    }

    @Test func signingOutKeepsTheDevices() async throws {
        try await APITestContext.run { context in
            let customer = try await context.chat.fixtures.user(.customer)
            let api = try await context.api.signIn(customer.email)
            _ = try await Self.register(api, "kept-on-sign-out")
            #expect(try await api.send(.delete, "/api/v1/auth/token").status == .noContent)
            let devices = try await context.dependencies.devices.devices(of: customer)
            #expect(devices.map(\.token) == ["kept-on-sign-out"])
            let again = try await context.api.signIn(customer.email)
            #expect(try await Self.tokens(again) == ["kept-on-sign-out"])
        }
    }

    @Test func aPasswordResetThatRevokesEveryTokenKeepsTheDevices() async throws {
        try await APITestContext.run { context in
            let customer = try await context.chat.fixtures.user(.customer)
            let api = try await context.api.signIn(customer.email)
            _ = try await Self.register(api, "kept-on-revoke")
            _ = try await context.dependencies.users.resetPassword(
                email: customer.email, password: "another-password-1")
            #expect(try await api.send(.get, "/api/v1/devices").status == .unauthorized)
            let devices = try await context.dependencies.devices.devices(of: customer)
            #expect(devices.map(\.token) == ["kept-on-revoke"])
        }
    }

    @Test func devicesCanBeRegisteredWhileChatIsSwitchedOff() async throws {
        try await APITestContext.run { context in
            let api = try await context.api.signIn(try await context.chat.fixtures.user(.customer).email)
            try await context.dependencies.settings.setChatEnabled(false)
            #expect(try await api.send(.get, "/api/v1/chat-sessions").errorCode == "chat_disabled")
            #expect(try await Self.register(api, "while-off").status == .created)
        }
    }
}
