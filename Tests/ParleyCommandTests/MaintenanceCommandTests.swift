import Foundation
import Logging
import ParleyCore
import ParleyTestSupport
import SQLKit
import Testing

@Suite("parley migrate, doctor, create-user and seed")
struct MaintenanceCommandTests {
    @Test func doctorReportsDriftWithAFailingExitAndFixRepairsIt() async throws {
        let directory = try ParleyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("doctor.sqlite").path
        let environment = ["DATABASE_URL": "sqlite://\(path)"]
        #expect(try await ParleyProcess.run(["migrate"], in: directory, environment: environment).status == 0)

        let session = try await TestDatabase.withOpen(.sqlite(path: path)) { database in
            let chat = ChatService(database: database, events: InProcessEventBus())
            let (customer, _, _, session) = try await Fixtures(database: database).conversation(chat: chat)
            _ = try await chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "hello")
            try await database.write { db in
                try await db.raw("UPDATE chat_sessions SET messages_count = 5 WHERE id = \(bind: session.id)").run()
            }
            return session
        }

        let found = try await ParleyProcess.run(["doctor"], in: directory, environment: environment)
        #expect(found.status == 1)
        #expect(found.output.contains("session #\(session.id)"))
        let fixed = try await ParleyProcess.run(["doctor", "--fix"], in: directory, environment: environment)
        #expect(fixed.status == 0 && fixed.output.contains("Repaired 1"))
        let clean = try await ParleyProcess.run(["doctor"], in: directory, environment: environment)
        #expect(clean.status == 0 && clean.output.contains("No drift"))
    }

    @Test func resetPasswordSetsANewPasswordAndSignsTheAccountOut() async throws {
        let directory = try ParleyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = "\(directory.path)/reset.sqlite"
        let environment = ["DATABASE_URL": "sqlite://" + path]
        _ = try await ParleyProcess.run(
            [
                "create-user", "--role", "admin", "--email", "boss@example.com", "--name", "B", "--password",
                "first-pass",
            ],
            in: directory, environment: environment)
        let database = try await Database.open(
            .init(location: .sqlite(path: path), poolSize: 1), logger: Logger(label: "test"))
        try await database.write { db in
            try await db.raw(
                "INSERT INTO api_tokens (token_hash, user_id, created_at, last_used_at) VALUES ('h', 1, 0, 0)"
            ).run()
        }
        let unknown = try await ParleyProcess.run(
            ["reset-password", "--email", "nobody@example.com"], in: directory, environment: environment)
        #expect(unknown.status == 1 && unknown.errors.contains("No account uses nobody@example.com."))
        let generated = try await ParleyProcess.run(
            ["reset-password", "--email", "BOSS@example.com"], in: directory, environment: environment)
        #expect(generated.status == 0, "\(generated.errors)")
        let password = try #require(generated.output.split(separator: " ").last).trimmingCharacters(
            in: .whitespacesAndNewlines)
        #expect(generated.output.hasPrefix("New password for boss@example.com: ") && password.count == 20)
        let users = UserService(database: database, bcryptCost: 4)
        let withNew = try await users.authenticate(email: "boss@example.com", password: password)
        let withOld = try await users.authenticate(email: "boss@example.com", password: "first-pass")
        let tokens = try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM api_tokens").first()?.decode(column: "n", as: Int.self)
        }
        await database.close()
        #expect(withNew != nil && withOld == nil)
        #expect(tokens == 0)
    }

    @Test func createUserValidatesAndCreates() async throws {
        let directory = try ParleyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["DATABASE_URL": "sqlite://\(directory.path)/users.sqlite"]
        let bad = try await ParleyProcess.run(
            ["create-user", "--role", "vendor", "--email", "not-an-email", "--name", "V", "--password", "longenough"],
            in: directory, environment: environment)
        #expect(bad.status == 1 && bad.errors.contains("is not an email address"))
        let badRole = try await ParleyProcess.run(
            ["create-user", "--role", "owner", "--email", "v@example.com", "--name", "V", "--password", "longenough"],
            in: directory, environment: environment)
        #expect(badRole.status != 0 && badRole.errors.contains("--role must be customer, vendor or admin"))
        let good = try await ParleyProcess.run(
            ["create-user", "--role", "vendor", "--email", "v@example.com", "--name", "V", "--password", "longenough"],
            in: directory, environment: environment)
        #expect(good.status == 0 && good.output.contains("Created vendor #1 v@example.com"))
    }

    @Test func benchSeedReportsItsRateAndLeavesNoDrift() async throws {
        let directory = try ParleyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["DATABASE_URL": "sqlite://\(directory.path)/bench.sqlite"]
        let seeded = try await ParleyProcess.run(
            ["seed", "--bench", "--users", "500", "--products", "100", "--sessions", "2000", "--messages", "20000"],
            in: directory, environment: environment)
        #expect(seeded.status == 0)
        #expect(seeded.output.contains("Seeded 22600 rows"))
        #expect(seeded.errors.contains("100%"))
        let doctor = try await ParleyProcess.run(["doctor"], in: directory, environment: environment)
        #expect(doctor.status == 0)
    }

    @Test func anUnusableSettingExitsWithTheConfigurationCodeNamingIt() async throws {
        let directory = try ParleyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await ParleyProcess.run(
            ["migrate"], in: directory, environment: ["PORT": "http", "PARLEY_DEMO": "x"])
        #expect(result.status == 78)
        #expect(result.errors.contains("PORT is not valid") && result.errors.contains("PARLEY_DEMO is not valid"))
    }

    @Test func anUnreachableDatabaseExitsWithTheUnavailableCode() async throws {
        let directory = try ParleyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await ParleyProcess.run(
            ["serve"], in: directory, environment: ["DATABASE_URL": "postgres://nobody:secret@127.0.0.1:1/parley"])
        #expect(result.status == 69)
        #expect(result.errors.contains("cannot reach PostgreSQL"))

        let blocked = directory.appendingPathComponent("file-not-directory")
        _ = FileManager.default.createFile(atPath: blocked.path, contents: Data())
        let sqlite = try await ParleyProcess.run(
            ["migrate"], in: directory, environment: ["DATABASE_URL": "sqlite://\(blocked.path)/db.sqlite"])
        #expect(sqlite.status == 69)
        #expect(sqlite.errors.contains("cannot create the directory"))
    }
}
