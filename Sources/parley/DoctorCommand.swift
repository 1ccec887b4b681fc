import ArgumentParser
import ParleyCore

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Recount every chat session's messages and report counters that drifted (exit 1 when any did).")

    @Flag(help: "Rewrite drifted counters from the recount.") var fix = false

    func run() async throws {
        let environment = try CommandEnvironment()
        let database = try await environment.openDatabase()
        let audit = CounterAudit(database: database)
        let drift = try await audit.findDrift(limit: 100)
        if drift.isEmpty {
            await database.close()
            print("No drift: every chat session's counters match its messages.")
            return
        }
        print("Found \(drift.count == 100 ? "at least 100" : "\(drift.count)") chat sessions whose counters drifted:")
        for item in drift { print("  \(item)") }
        if fix {
            let repaired = try await audit.repair()
            await database.close()
            print("Repaired \(repaired) chat sessions.")
            return
        }
        await database.close()
        print("Run `parley doctor --fix` to repair them.")
        throw ExitCode.failure
    }
}
