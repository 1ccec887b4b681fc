import Foundation
import NIOConcurrencyHelpers
import ParleyCore
import ParleyTestSupport
import SQLKit
import Testing

/// Devices, mutes and reminder preferences as the notification senders read them.
@Suite("Notification preferences")
struct NotificationPreferencesTests {
    @Test func tokensForUserIDsGroupsEachUsersDevicesNewestFirst() async throws {
        try await ChatTestContext.run { context in
            let now = Date()
            let clock = SteppingClock(now)
            let devices = DeviceService(database: context.database, clock: { clock.next() })
            let one = try await context.fixtures.user(.customer)
            let other = try await context.fixtures.user(.vendor)
            let without = try await context.fixtures.user(.customer)
            _ = try await devices.register(platform: "ios", token: "one-a", for: one)
            _ = try await devices.register(platform: "web", token: "other-a", for: other)
            _ = try await devices.register(platform: "android", token: "one-b", for: one)
            let tokens = try await context.database.read { db in
                try await DeviceRepository(db).tokens(forUserIDs: [one.id, other.id, without.id, one.id])
            }
            #expect(Set(tokens.keys) == [one.id, other.id])
            #expect(tokens[one.id]?.map(\.token) == ["one-b", "one-a"])
            #expect(tokens[one.id]?.map(\.platform) == [.android, .ios])
            #expect(tokens[other.id]?.map(\.token) == ["other-a"])
        }
    }

    @Test func tokensForNoUsersAsksNothing() async throws {
        try await ChatTestContext.run { context in
            let tokens = try await context.database.read { db in try await DeviceRepository(db).tokens(forUserIDs: []) }
            #expect(tokens.isEmpty)
        }
    }

    @Test func deletingAConversationDropsItsMutes() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let preferences = NotificationPreferenceService(database: context.database)
            try await preferences.setMuted(true, sessionID: session.id, by: customer)
            #expect(try await preferences.isMuted(sessionID: session.id, by: customer))
            try await context.chat.deleteSession(id: session.id)
            let rows = try await context.database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM chat_session_mutes").first()?.decode(
                    column: "n", as: Int64.self)
            }
            #expect(rows == 0)
        }
    }

    @Test func usersWhoTurnedEmailRemindersOffAreFoundInOneQuery() async throws {
        try await ChatTestContext.run { context in
            let preferences = NotificationPreferenceService(database: context.database)
            let keeps = try await context.fixtures.user(.customer)
            let declines = try await context.fixtures.user(.vendor)
            _ = try await preferences.update(emailReminders: false, for: declines)
            let declined = try await context.database.read { db in
                try await NotificationPreferencesRepository(db).declineEmailReminders(among: [keeps.id, declines.id])
            }
            #expect(declined == [declines.id])
        }
    }

    @Test func changingThePreferenceLeavesTheAccountsUpdateTimeAlone() async throws {
        try await ChatTestContext.run { context in
            let user = try await context.fixtures.user(.customer)
            _ = try await NotificationPreferenceService(database: context.database).update(
                emailReminders: false, for: user)
            let after = try await context.database.read { db in try await UserRepository(db).find(id: user.id) }
            #expect(after?.updatedAt == user.updatedAt)
        }
    }

    @Test func emailRemindersAreOnUntilAnAdministratorTurnsThemOff() async throws {
        try await ChatTestContext.run { context in
            let settings = SettingsService(database: context.database, events: context.events)
            #expect(try await settings.isEmailRemindersEnabled())
            try await settings.setEmailRemindersEnabled(false)
            #expect(try await settings.isEmailRemindersEnabled() == false)
            let stored = try await context.database.read { db in
                try await SettingsRepository(db).value(for: SettingsRepository.emailRemindersEnabledKey)
            }
            #expect(stored == "false")
            try await settings.setEmailRemindersEnabled(true)
            #expect(try await settings.isEmailRemindersEnabled())
            #expect(try await settings.isChatEnabled())
        }
    }
}

/// A clock that moves one millisecond further on every reading, so registrations order by time.
final class SteppingClock: Sendable {
    private let current: NIOLockedValueBox<Date>

    init(_ start: Date) { current = NIOLockedValueBox(start) }

    func next() -> Date {
        current.withLockedValue { date in
            date = date.addingTimeInterval(0.001)
            return date
        }
    }
}
