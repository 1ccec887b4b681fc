import ArgumentParser
import Foundation
import ParleyCore

/// `parley users export|erase`: a user's personal data from the command line, as on the Users page.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Export or erase what Parley holds about a user.",
        subcommands: [Export.self, Erase.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print everything Parley holds about a user as JSON (no password or token hashes).")

        @Option(help: "The user's id, as the Users page shows it.") var id: Int64

        func run() async throws {
            try await UsersCommand.withService { personalData in
                let data = try await personalData.export(userID: id, by: .commandLine)
                FileHandle.standardOutput.write(data + Data("\n".utf8))
            }
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a user's name, email, password and message texts, and sign them out everywhere.",
            discussion: """
                Conversations, their counters and the other side's messages stay; the user shows as \
                "\(PersonalDataService.erasedName)". This cannot be undone, so it needs --yes.
                """)

        @Option(help: "The user's id, as the Users page shows it.") var id: Int64
        @Flag(help: "Confirm the erasure; without it nothing is changed.") var yes = false

        func run() async throws {
            guard yes else {
                FileHandle.standardError.write(
                    Data("parley: erasing cannot be undone; run again with --yes to erase user \(id)\n".utf8))
                throw ExitCode.failure
            }
            try await UsersCommand.withService { personalData in
                let erasure = try await personalData.erase(userID: id, by: .commandLine)
                print("Erased user \(id): \(erasure.messagesRedacted) sent messages redacted.")
            }
        }
    }

    /// Runs `body` on the configured database; a refused request ends with its message and status 1.
    /// The erasure is announced on the database's bus, so running servers sign the user out.
    static func withService(_ body: (PersonalDataService) async throws -> Void) async throws {
        let environment = try CommandEnvironment()
        let database = try await environment.openDatabase()
        do {
            try await body(PersonalDataService(database: database))
            await database.close()
        } catch let error as PersonalDataError {
            await database.close()
            FileHandle.standardError.write(Data("parley: \(error.message)\n".utf8))
            throw ExitCode.failure
        } catch {
            await database.close()
            throw error
        }
    }
}
