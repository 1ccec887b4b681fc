import ArgumentParser
import Hummingbird
import Logging
import ParleyCore
import ParleyServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Migrate, seed demo data into an empty database, and serve HTTP until SIGTERM or SIGINT.")

    @Option(help: "Address to listen on (default: HOST or 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (default: PORT or 8080).") var port: Int?

    func run() async throws {
        let environment = try CommandEnvironment()
        let configuration = environment.configuration
        let logger = environment.logger
        let database = try await environment.openDatabase()
        let dependencies = AppDependencies(database: database, sendRateLimit: configuration.sendRateLimit)

        if configuration.seedDemoData {
            let seeder = DemoSeeder(database: database, events: dependencies.events)
            if try await seeder.isDatabaseEmpty() {
                let summary = try await seeder.seed()
                logger.info(
                    """
                    Seeded demo data: \(summary.users) users, \(summary.products) products, \
                    \(summary.sessions) chat sessions, \(summary.messages) messages; demo users sign in with \
                    the password "\(DemoSeeder.password)" (PARLEY_DEMO=0 turns this off)
                    """)
            }
        }

        let outcome = try await AdministratorBootstrap(users: dependencies.users, database: database)
            .ensureAdministrator(email: configuration.adminEmail, password: configuration.adminPassword)
        let host = host ?? configuration.host
        let port = port ?? configuration.port
        switch outcome {
        case .created(let email, let generated?):
            logger.notice("Created administrator \(email) with the password \(generated) (shown only this once)")
        case .created(let email, nil):
            logger.notice("Created administrator \(email) with the password from ADMIN_PASSWORD")
        case .existing(let email):
            logger.info("Administrator account: \(email)")
        }

        let app = try await buildApplication(
            host: host, port: port, dependencies: dependencies, ownsDatabase: true, logger: logger)
        logger.notice(
            "Parley is listening on http://\(host):\(port); admin panel: http://\(host):\(port)/admin/login"
        )
        // The database service closes the database on a graceful shutdown; when the server never
        // got going (its port was taken, say) it may not have run, so close it here too.
        do {
            try await app.runService()
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}
