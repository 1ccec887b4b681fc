import ArgumentParser

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending database migrations and exit.")

    func run() async throws {
        let environment = try CommandEnvironment()
        let database = try await environment.openDatabase()
        await database.close()
        environment.logger.info("The database schema is up to date")
    }
}
