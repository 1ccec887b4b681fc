import ArgumentParser
import Foundation
import Logging
import ParleyCore

/// What every command starts with: the configuration from the environment, logging, and an open,
/// migrated database. Failures end the process with a message and a conventional exit code.
struct CommandEnvironment {
    /// sysexits.h: a configuration error, and a service that cannot be reached.
    static let configurationExitCode: Int32 = 78
    static let unavailableExitCode: Int32 = 69

    let configuration: ParleyConfiguration
    let logger: Logger

    init() throws {
        do {
            configuration = try ParleyConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("parley: configuration error:\n\(error)\n".utf8))
            throw ExitCode(Self.configurationExitCode)
        }
        let level = configuration.logLevel
        switch configuration.logFormat {
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = TextLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        case .json:
            LoggingSystem.bootstrap { label in
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        }
        logger = Logger(label: "parley")
    }

    /// Opens the database and applies any pending migrations; waits for a connection are
    /// reported to `metrics`.
    func openDatabase(metrics: any MetricsRecorder = NoMetrics()) async throws -> Database {
        let database: Database
        do {
            database = try await Database.open(configuration.database, logger: logger, metrics: metrics)
        } catch let error as DatabaseUnavailable {
            FileHandle.standardError.write(Data("parley: \(error.description)\n".utf8))
            throw ExitCode(Self.unavailableExitCode)
        }
        do {
            let applied = try await Migrator(database: database, logger: logger).migrate()
            if !applied.isEmpty {
                logger.info("Applied migrations", metadata: ["migrations": .string(applied.joined(separator: ", "))])
            }
        } catch {
            await database.close()
            FileHandle.standardError.write(
                Data("parley: migrating the database failed: \(String(reflecting: error))\n".utf8))
            throw ExitCode.failure
        }
        return database
    }
}
