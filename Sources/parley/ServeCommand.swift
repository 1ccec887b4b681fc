import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
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
        // Made before the database, so that its connection waits are counted from the start.
        let metrics = ParleyMetrics()
        let database = try await environment.openDatabase(metrics: metrics)
        let dependencies = AppDependencies(
            database: database, sendRateLimit: configuration.sendRateLimit, metrics: metrics,
            notifications: configuration.notifications,
            mailer: try configuration.smtp.map {
                try SMTPClient(configuration: $0, logger: logger)
            })
        if let smtp = configuration.smtp {
            logger.info("Unread reminders are emailed through \(smtp.host):\(smtp.port) from \(smtp.from)")
        } else {
            logger.notice("Unread reminders are not emailed: SMTP_URL is not set")
        }

        if configuration.seedDemoData {
            let seeder = DemoSeeder(
                database: database, events: dependencies.events, bcryptCost: dependencies.users.bcryptCost)
            // Instances started together on an empty database race here; one of them seeds.
            if let summary = try await seeder.seedIfEmpty() {
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
            // Written straight to standard error, whatever LOG_LEVEL says: it is shown only once.
            FileHandle.standardError.write(
                Data(
                    """
                    parley: Created administrator \(email) with the password \(generated)
                    parley: (shown only this once; `parley reset-password --email \(email)` sets a new one)

                    """.utf8))
        case .created(let email, nil):
            logger.notice("Created administrator \(email) with the password from ADMIN_PASSWORD")
        case .existing(let email):
            logger.info("Administrator account: \(email)")
        }

        // Notifications give way to sends when the cores are busy, unless they run late
        // (NotificationThread).
        let niceness = configuration.notificationNiceness ?? 10
        if niceness > 0, try await !NotificationThread.shared.lowerPriority(niceness: niceness).canRaise {
            logger.notice(
                """
                Notifications run at niceness \(niceness) even when they fall behind: raising a thread's \
                priority back needs CAP_SYS_NICE or RLIMIT_NICE (systemd: LimitNICE=+0)
                """)
        }
        let app = try await buildApplication(
            host: host, port: port, dependencies: dependencies, ownsDatabase: true, logger: logger,
            connections: ConnectionLimits(
                maxPerClient: configuration.maxConnectionsPerClient, trustedProxies: configuration.trustedProxies),
            metricsToken: configuration.metricsToken,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? port
                logger.notice(
                    "Parley is listening on http://\(host):\(port); admin panel: http://\(host):\(port)/admin/login")
            })
        // The database service closes the database on a graceful shutdown; when the server never
        // got going (its port was taken, say) it may not have run, so close it here too.
        do {
            try await app.runService()
        } catch let error as IOError {
            await database.close()
            // A port in use or an address that is not ours: one line, and exit status 1.
            FileHandle.standardError.write(
                Data("parley: cannot listen on \(host):\(port): \(error.description)\n".utf8))
            throw ExitCode.failure
        } catch {
            await database.close()
            throw error
        }
        await database.close()
        let sends = dependencies.chat.sendStatistics
        if sends.batches > 0 {
            let perBatch = String(format: "%.1f", Double(sends.sends) / Double(sends.batches))
            logger.info("Wrote \(sends.sends) sends in \(sends.batches) transactions, \(perBatch) per transaction")
        }
    }
}
