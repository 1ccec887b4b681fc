import ArgumentParser
import Foundation
import ParleyCore

struct CreateUserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create-user", abstract: "Create an account.")

    @Option(help: "customer, vendor or admin.") var role: String
    @Option(help: "Unique, compared without case.") var email: String
    @Option var name: String
    @Option(help: "At least \(UserService.minimumPasswordLength) characters.") var password: String

    func run() async throws {
        guard let role = UserRole(rawValue: role) else {
            throw ValidationError("--role must be customer, vendor or admin, not \"\(role)\"")
        }
        let environment = try CommandEnvironment()
        let database = try await environment.openDatabase()
        do {
            let user = try await AuditContext.$current.withValue(.commandLine) {
                try await UserService(database: database).createUser(
                    name: name, email: email, role: role, password: password)
            }
            await database.close()
            print("Created \(user.role.rawValue) #\(user.id) \(user.email)")
        } catch let error as UserError {
            await database.close()
            FileHandle.standardError.write(Data("parley: \(error.message)\n".utf8))
            throw ExitCode.failure
        }
    }
}
