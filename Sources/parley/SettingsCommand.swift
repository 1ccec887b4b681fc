import ArgumentParser
import Foundation
import ParleyCore

/// `parley settings show|set`: System Settings from the command line, as on the admin page.
struct SettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Show or change System Settings.",
        subcommands: [Show.self, Set.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every setting and its value.")

        func run() async throws {
            try await SettingsCommand.withService { settings in
                print("chat_enabled\t\(try await settings.isChatEnabled() ? "on" : "off")")
                print("email_reminders\t\(try await settings.isEmailRemindersEnabled() ? "on" : "off")")
                print("contact_details\t\(try await settings.contactDetailPolicy().rawValue)")
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change one setting.",
            discussion: """
                chat_enabled on|off         chat in the mobile app
                email_reminders on|off      unread reminders by email
                contact_details allow|flag|hide
                                            what happens to messages with contact details
                """)

        @Argument(help: "chat_enabled, email_reminders or contact_details.") var key: String
        @Argument(help: "The new value.") var value: String

        func run() async throws {
            let change = try SettingsCommand.change(key: key, value: value)
            try await SettingsCommand.withService { settings in
                try await AuditContext.$current.withValue(.commandLine) { try await change(settings) }
                print("\(key) = \(value)")
            }
        }
    }

    /// The change a key and value ask for, or a usage error naming what is accepted.
    static func change(key: String, value: String) throws -> @Sendable (SettingsService) async throws -> Void {
        func onOff() throws -> Bool {
            switch value {
            case "on": return true
            case "off": return false
            default: throw ValidationError("\(key) takes on or off, not \(value).")
            }
        }
        switch key {
        case "chat_enabled":
            let enabled = try onOff()
            return { try await $0.setChatEnabled(enabled) }
        case "email_reminders":
            let enabled = try onOff()
            return { try await $0.setEmailRemindersEnabled(enabled) }
        case "contact_details":
            guard let policy = ContactDetailPolicy(rawValue: value) else {
                throw ValidationError("contact_details takes allow, flag or hide, not \(value).")
            }
            return { try await $0.setContactDetailPolicy(policy) }
        default:
            throw ValidationError("Unknown setting \(key): use chat_enabled, email_reminders or contact_details.")
        }
    }

    static func withService(_ body: (SettingsService) async throws -> Void) async throws {
        let environment = try CommandEnvironment()
        let database = try await environment.openDatabase()
        do {
            try await body(SettingsService(database: database))
            await database.close()
        } catch {
            await database.close()
            throw error
        }
    }
}
