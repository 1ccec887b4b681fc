import Foundation

/// Makes sure someone can sign in to a new installation's admin panel.
public struct AdministratorBootstrap: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// An administrator already existed; nothing changed.
        case existing(email: String)
        /// An account was created; `generatedPassword` is set when no password was configured
        /// and must be shown to the operator once.
        case created(email: String, generatedPassword: String?)
    }

    let users: UserService
    let database: Database

    public init(users: UserService, database: Database) {
        self.users = users
        self.database = database
    }

    /// With `email` set, that account is created when missing. Without it, `admin@example.com` is
    /// created only when there is no administrator at all.
    public func ensureAdministrator(email: String?, password: String?) async throws -> Outcome {
        if let email, !email.isEmpty {
            if let existing = try await database.read({ db in try await UserRepository(db).find(email: email) }) {
                return .existing(email: existing.email)
            }
            return try await create(email: email, password: password)
        }
        let adminCount = try await database.read { db in try await UserRepository(db).count(role: .admin) }
        if adminCount > 0 {
            let any = try await database.read { db in
                try await db.raw("SELECT email FROM users WHERE role = 'admin' ORDER BY id LIMIT 1").first()
            }
            return .existing(email: try any?.decode(column: "email", as: String.self) ?? "")
        }
        return try await create(email: "admin@example.com", password: password)
    }

    /// Instances started together on an empty database each find no administrator and each try to
    /// create one; the unique email decides, and the others take the account the winner made.
    private func create(email: String, password: String?) async throws -> Outcome {
        let generated = password == nil || password?.isEmpty == true ? Self.randomPassword() : nil
        do {
            _ = try await users.createUser(
                name: "Administrator", email: email, role: .admin, password: generated ?? password ?? "")
        } catch UserError.emailTaken {
            return .existing(email: email)
        }
        return .created(email: email, generatedPassword: generated)
    }

    public static func randomPassword() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
