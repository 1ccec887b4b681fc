import Foundation
import ParleyCore
import ParleyTestSupport
import Testing

@Suite("Accounts")
struct UserServiceTests {
    @Test func aNewAccountStoresABcryptHashNotThePassword() async throws {
        try await ChatTestContext.run { context async throws in
            let users = UserService(database: context.database, bcryptCost: 4)
            let user = try await users.createUser(
                name: "  Ada Lovelace ", email: "Ada@Example.com", role: .vendor, password: "correct horse")
            #expect(user.name == "Ada Lovelace" && user.email == "Ada@Example.com" && user.role == .vendor)
            #expect(user.passwordHash.hasPrefix("$2") && !user.passwordHash.contains("correct horse"))
            #expect(try await users.authenticate(email: "ada@example.COM", password: "correct horse")?.id == user.id)
            #expect(try await users.authenticate(email: "ada@example.com", password: "wrong horse") == nil)
            #expect(try await users.authenticate(email: "nobody@example.com", password: "correct horse") == nil)
        }
    }

    @Test func emailsAreUniqueWithoutRegardToCase() async throws {
        try await ChatTestContext.run { context async throws in
            let users = UserService(database: context.database, bcryptCost: 4)
            _ = try await users.createUser(name: "A", email: "same@example.com", role: .customer, password: "password1")
            await #expect(throws: UserError.emailTaken("SAME@example.com")) {
                try await users.createUser(name: "B", email: "SAME@example.com", role: .customer, password: "password1")
            }
            #expect(try await context.fixtures.tableCounts()["users"] == 1)
        }
    }

    @Test func badInputIsRefusedWithTheFieldNamed() async throws {
        try await ChatTestContext.run { context async throws in
            let users = UserService(database: context.database, bcryptCost: 4)
            await #expect(throws: UserError.nameRequired) {
                try await users.createUser(name: "  ", email: "a@example.com", role: .customer, password: "password1")
            }
            for email in ["plain", "a@b", "two@@example.com", "sp ace@example.com", "@example.com", "a@.com"] {
                await #expect(throws: UserError.invalidEmail(email)) {
                    try await users.createUser(name: "A", email: email, role: .customer, password: "password1")
                }
            }
            await #expect(throws: UserError.passwordTooShort(minimum: 8)) {
                try await users.createUser(name: "A", email: "a@example.com", role: .customer, password: "short")
            }
            #expect(UserError.passwordTooShort(minimum: 8).field == "password")
            #expect(try await context.fixtures.tableCounts()["users"] == 0)
        }
    }

    @Test func bootstrapCreatesTheDefaultAdministratorOnceWithAGeneratedPassword() async throws {
        try await ChatTestContext.run { context async throws in
            let users = UserService(database: context.database, bcryptCost: 4)
            let bootstrap = AdministratorBootstrap(users: users, database: context.database)

            let first = try await bootstrap.ensureAdministrator(email: nil, password: nil)
            guard case .created("admin@example.com", let password?) = first else {
                Issue.record("expected a created administrator with a generated password, got \(first)")
                return
            }
            #expect(password.count >= 16)
            #expect(try await users.authenticate(email: "admin@example.com", password: password)?.role == .admin)
            #expect(
                try await bootstrap.ensureAdministrator(email: nil, password: nil)
                    == .existing(email: "admin@example.com"))
        }
    }

    @Test func bootstrapUsesTheConfiguredAdministrator() async throws {
        try await ChatTestContext.run { context async throws in
            let users = UserService(database: context.database, bcryptCost: 4)
            let bootstrap = AdministratorBootstrap(users: users, database: context.database)
            let outcome = try await bootstrap.ensureAdministrator(email: "ops@example.org", password: "s3cret-pass")
            #expect(outcome == .created(email: "ops@example.org", generatedPassword: nil))
            #expect(try await users.authenticate(email: "ops@example.org", password: "s3cret-pass")?.role == .admin)
            #expect(
                try await bootstrap.ensureAdministrator(email: "ops@example.org", password: "s3cret-pass")
                    == .existing(email: "ops@example.org"))
        }
    }

    @Test func bootstrapsRacingOnAnEmptyDatabaseCreateOneAdministratorAndAllSucceed() async throws {
        try await ChatTestContext.run { context async throws in
            let users = UserService(database: context.database, bcryptCost: 4)
            let outcomes = try await withThrowingTaskGroup(of: AdministratorBootstrap.Outcome.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        try await AdministratorBootstrap(users: users, database: context.database)
                            .ensureAdministrator(email: nil, password: nil)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let created = outcomes.filter { if case .created = $0 { true } else { false } }
            #expect(created.count == 1, "\(outcomes)")
            #expect(outcomes.allSatisfy { $0 == created.first || $0 == .existing(email: "admin@example.com") })
            #expect(try await context.database.read { db in try await UserRepository(db).count(role: .admin) } == 1)
        }
    }
}
