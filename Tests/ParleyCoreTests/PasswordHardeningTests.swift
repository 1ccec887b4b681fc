import Foundation
import ParleyTestSupport
import SQLKit
import Testing

@testable import ParleyCore

/// bcrypt's limits, and sign-in timing that does not tell which accounts exist.
@Suite("Password hardening")
struct PasswordHardeningTests {
    @Test func aPasswordOverSeventyTwoBytesIsRefused() async throws {
        try await ChatTestContext.run { context async throws in
            let users = UserService(database: context.database, bcryptCost: 4)
            await #expect(throws: UserError.passwordTooLong(maximumBytes: 72)) {
                try await users.createUser(
                    name: "L", email: "l@example.com", role: .customer, password: String(repeating: "A", count: 73))
            }
            // 36 two-byte letters are 72 bytes: allowed; one more is not.
            #expect(
                UserService.problems(name: "n", email: "a@b.co", password: String(repeating: "é", count: 36)).isEmpty)
            #expect(
                UserService.problems(name: "n", email: "a@b.co", password: String(repeating: "é", count: 37))
                    == [.passwordTooLong(maximumBytes: 72)])
        }
    }

    @Test func whatFollowsTheFirstSeventyTwoBytesCannotSignIn() async throws {
        try await ChatTestContext.run { context async throws in
            let users = UserService(database: context.database, bcryptCost: 4)
            let base = String(repeating: "A", count: 72)
            let user = try await users.createUser(name: "L", email: "l@example.com", role: .customer, password: base)
            #expect(try await users.authenticate(email: "l@example.com", password: base)?.id == user.id)
            // bcrypt alone would accept both: it never reads past byte 72.
            #expect(try await users.authenticate(email: "l@example.com", password: base + "B") == nil)
            #expect(try await users.authenticate(email: "l@example.com", password: base + "C") == nil)
        }
    }

    @Test func anUnknownEmailIsCheckedAgainstAHashOfTheSameCost() async throws {
        try await ChatTestContext.run { context async throws in
            for cost: UInt8 in [4, 6] {
                let users = UserService(database: context.database, bcryptCost: cost)
                #expect(users.decoyHash.hasPrefix(String(format: "$2b$%02d$", cost)), "\(users.decoyHash)")
            }
        }
    }

    /// Both run one bcrypt verification of the same cost. Medians of interleaved tries, so a busy
    /// machine slows both alike; without the decoy the unknown email answers some 100 times sooner.
    @Test func anUnknownEmailTakesAsLongAsAWrongPassword() async throws {
        try await ChatTestContext.run { context async throws in
            let users = UserService(database: context.database, bcryptCost: 9)
            _ = try await users.createUser(
                name: "T", email: "t@example.com", role: .customer, password: "right-password")
            func time(_ email: String) async throws -> Duration {
                let started = ContinuousClock.now
                _ = try await users.authenticate(email: email, password: "wrong-password")
                return ContinuousClock.now - started
            }
            _ = try await time("nobody@example.com")  // makes the decoy hash
            var known: [Duration] = []
            var unknown: [Duration] = []
            for _ in 0..<7 {
                known.append(try await time("t@example.com"))
                unknown.append(try await time("nobody@example.com"))
            }
            let ratio = unknown.sorted()[3] / known.sorted()[3]
            #expect(ratio > 0.5 && ratio < 2, "unknown email / wrong password: \(ratio)")
        }
    }

    @Test func demoAccountsAreHashedAtTheConfiguredCost() async throws {
        try await ChatTestContext.run { context async throws in
            _ = try await DemoSeeder(database: context.database, events: context.events, bcryptCost: 5).seed()
            let prefixes = try await context.database.read { db in
                try await db.raw("SELECT DISTINCT substr(password_hash, 1, 7) AS p FROM users").all().map {
                    try $0.decode(column: "p", as: String.self)
                }
            }
            #expect(prefixes == ["$2b$05$"])
        }
    }
}
