import ArgumentParser
import Foundation
import ParleyCore

/// Sets a new password for an account, for an administrator who lost theirs: `ADMIN_PASSWORD`
/// only applies when `serve` creates the administrator.
struct ResetPasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-password",
        abstract: "Set a new password for an account (printed when generated) and sign it out everywhere.")

    @Option(help: "The account's email, compared without case.") var email: String
    @Option(
        help: "The new password (at least \(UserService.minimumPasswordLength) characters); generated when left out.")
    var password: String?

    func run() async throws {
        let environment = try CommandEnvironment()
        let database = try await environment.openDatabase()
        let generated = password == nil ? AdministratorBootstrap.randomPassword() : nil
        do {
            let user = try await UserService(database: database).resetPassword(
                email: email, password: password ?? generated ?? "")
            await database.close()
            if let generated {
                print("New password for \(user.email): \(generated)")
            } else {
                print("Password changed for \(user.email).")
            }
        } catch let error as UserError {
            await database.close()
            FileHandle.standardError.write(Data("parley: \(error.message)\n".utf8))
            throw ExitCode.failure
        }
    }
}
