import Foundation
import Logging
import ParleyCore
import ParleyTestSupport
import Testing

@Suite("parley users export and erase")
struct UsersCommandTests {
    @Test func exportPrintsJSONAndEraseNeedsYes() async throws {
        let directory = try ParleyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("users.sqlite").path
        let environment = ["DATABASE_URL": "sqlite://\(path)"]
        #expect(try await ParleyProcess.run(["migrate"], in: directory, environment: environment).status == 0)
        let (customer, session) = try await TestDatabase.withOpen(.sqlite(path: path)) { database in
            let chat = ChatService(database: database, events: InProcessEventBus())
            let (customer, _, _, session) = try await Fixtures(database: database).conversation(chat: chat)
            _ = try await chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "private words")
            return (customer, session)
        }

        let exported = try await ParleyProcess.run(
            ["users", "export", "--id", "\(customer.id)"], in: directory, environment: environment)
        #expect(exported.status == 0, "\(exported.errors)")
        let document = try JSONSerialization.jsonObject(with: Data(exported.output.utf8)) as? [String: Any]
        #expect((document?["user"] as? [String: Any])?["email"] as? String == customer.email)
        #expect(exported.output.contains("private words") && !exported.output.contains("password"))

        let unconfirmed = try await ParleyProcess.run(
            ["users", "erase", "--id", "\(customer.id)"], in: directory, environment: environment)
        #expect(unconfirmed.status == 1 && unconfirmed.errors.contains("--yes"))
        let erased = try await ParleyProcess.run(
            ["users", "erase", "--id", "\(customer.id)", "--yes"], in: directory, environment: environment)
        #expect(erased.status == 0 && erased.output.contains("1 sent messages redacted"), "\(erased.errors)")
        let again = try await ParleyProcess.run(
            ["users", "erase", "--id", "\(customer.id)", "--yes"], in: directory, environment: environment)
        #expect(again.status == 1 && again.errors.contains("already been erased"))
        let missing = try await ParleyProcess.run(
            ["users", "export", "--id", "999999"], in: directory, environment: environment)
        #expect(missing.status == 1 && missing.errors.contains("There is no user #999999."))

        let (user, bodies, entries) = try await TestDatabase.withOpen(.sqlite(path: path)) { reopened in
            (
                try await reopened.read { db in try await UserRepository(db).find(id: customer.id) },
                try await Fixtures(database: reopened).messages(in: session.id).map(\.body),
                try await AuditTrail(database: reopened).page(.init(), page: 1, perPage: 10).entries
            )
        }
        #expect(user?.name == "Deleted user" && bodies == [PersonalDataService.redactedBody])
        #expect(entries.map(\.action) == [.userErased, .userExported])
        #expect(entries.allSatisfy { $0.actorName == "parley (command line)" })
    }
}
