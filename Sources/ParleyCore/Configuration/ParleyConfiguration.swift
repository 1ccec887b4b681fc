import Foundation
import Logging

/// Everything Parley reads from its environment, read once at start-up and passed down.
public struct ParleyConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var database: DatabaseConfiguration
    /// Seed demo data into an empty database on `serve`.
    public var seedDemoData: Bool
    public var adminEmail: String?
    public var adminPassword: String?
    public var logLevel: Logger.Level
    /// `LOG_FORMAT`: plain text lines, or one JSON object per line.
    public var logFormat: LogFormat = .text
    /// Each user's send limit on the API; nil for none.
    public var sendRateLimit: SendRateLimit? = .standard
    /// Proxies whose forwarding headers name the client (`TRUSTED_PROXIES`).
    public var trustedProxies: TrustedProxies = .none
    /// Open connections one client address may hold (`PARLEY_MAX_CONNECTIONS_PER_CLIENT`).
    public var maxConnectionsPerClient = 256
    /// The bearer token `GET /metrics` answers (`METRICS_TOKEN`); nil keeps it closed. Never logged.
    public var metricsToken: String?
    /// Reminder timing, links in emails and webhook retries.
    public var notifications = NotificationConfiguration()
    /// The niceness of the thread that sends notifications (`PARLEY_NOTIFICATION_NICENESS`, 0 to 19);
    /// nil for the default, 10 on either engine.
    public var notificationNiceness: Int32?
    /// The mail server for reminder emails (`SMTP_URL`, `SMTP_FROM`, `SMTP_CA_FILE`); nil sends none.
    public var smtp: SMTPConfiguration?

    /// The shortest `METRICS_TOKEN` taken: the endpoint may sit on a public port.
    public static let minimumMetricsTokenLength = 16

    public init(
        host: String = "127.0.0.1", port: Int = 8080,
        database: DatabaseConfiguration = .init(location: .sqlite(path: "data/parley.sqlite")),
        seedDemoData: Bool = true, adminEmail: String? = nil, adminPassword: String? = nil,
        logLevel: Logger.Level = .info
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.seedDemoData = seedDemoData
        self.adminEmail = adminEmail
        self.adminPassword = adminPassword
        self.logLevel = logLevel
    }

    /// Reads the variables documented in README.md; throws naming every one that is set but unusable.
    public static func fromEnvironment(_ environment: [String: String]) throws -> ParleyConfiguration {
        var problems: [ConfigurationError] = []
        func integer(_ name: String, default value: Int, range: ClosedRange<Int>) -> Int {
            guard let text = environment[name], !text.isEmpty else { return value }
            guard let number = Int(text), range.contains(number) else {
                problems.append(.invalid(name: name, reason: "expected a whole number in \(range), got \"\(text)\""))
                return value
            }
            return number
        }
        /// A switch that is on unless set to 0, false or no.
        func isOn(_ name: String) -> Bool {
            switch environment[name] {
            case nil, "", "1", "true", "yes": return true
            case "0", "false", "no": return false
            case let other?:
                problems.append(.invalid(name: name, reason: "expected 0 or 1, got \"\(other)\""))
                return true
            }
        }
        var configuration = ParleyConfiguration()
        configuration.host = environment["HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        configuration.port = integer("PORT", default: 8080, range: 0...65_535)
        let poolSize = integer("DATABASE_POOL_SIZE", default: 4, range: 1...256)
        do {
            configuration.database = try DatabaseConfiguration.fromURL(environment["DATABASE_URL"], poolSize: poolSize)
        } catch let error as ConfigurationError {
            problems.append(error)
        }
        if let text = environment["PARLEY_SQLITE_SYNCHRONOUS"], !text.isEmpty {
            if let mode = DatabaseConfiguration.SQLiteSynchronous(rawValue: text.lowercased()) {
                configuration.database.sqliteSynchronous = mode
            } else {
                problems.append(
                    .invalid(name: "PARLEY_SQLITE_SYNCHRONOUS", reason: "expected normal or full, got \"\(text)\""))
            }
        }
        configuration.database.postgresNamedStatements = isOn("PARLEY_POSTGRES_NAMED_STATEMENTS")
        configuration.seedDemoData = isOn("PARLEY_DEMO")
        configuration.adminEmail = environment["ADMIN_EMAIL"].flatMap { $0.isEmpty ? nil : $0 }
        configuration.adminPassword = environment["ADMIN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        if let level = environment["LOG_LEVEL"], !level.isEmpty {
            if let parsed = Logger.Level(rawValue: level.lowercased()) {
                configuration.logLevel = parsed
            } else {
                problems.append(
                    .invalid(name: "LOG_LEVEL", reason: "expected trace, debug, info, notice, warning or error"))
            }
        }
        if let text = environment["LOG_FORMAT"], !text.isEmpty {
            if let format = LogFormat(rawValue: text.lowercased()) {
                configuration.logFormat = format
            } else {
                problems.append(.invalid(name: "LOG_FORMAT", reason: "expected text or json, got \"\(text)\""))
            }
        }
        if let token = environment["METRICS_TOKEN"], !token.isEmpty {
            // The reason never quotes the token: this message is printed.
            if token.count < minimumMetricsTokenLength {
                problems.append(
                    .invalid(
                        name: "METRICS_TOKEN", reason: "expected at least \(minimumMetricsTokenLength) characters"))
            } else if !token.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) {
                problems.append(
                    .invalid(
                        name: "METRICS_TOKEN",
                        reason: "expected visible ASCII characters only, with no spaces (it is sent in a header)"))
            } else {
                configuration.metricsToken = token
            }
        }
        if let text = environment["PARLEY_SEND_RATE"], !text.isEmpty {
            if let limit = SendRateLimit.parse(text) {
                configuration.sendRateLimit = limit
            } else {
                problems.append(
                    .invalid(
                        name: "PARLEY_SEND_RATE",
                        reason: "expected messages/seconds such as 20/10, or 0 for no limit, got \"\(text)\""))
            }
        }
        if let text = environment["TRUSTED_PROXIES"] {
            do {
                configuration.trustedProxies = try TrustedProxies.parse(text)
            } catch let error as ConfigurationError {
                problems.append(error)
            }
        }
        readNotificationSettings(environment, into: &configuration.notifications, problems: &problems)
        if let text = environment["PARLEY_NOTIFICATION_NICENESS"], !text.isEmpty {
            configuration.notificationNiceness = Int32(
                integer("PARLEY_NOTIFICATION_NICENESS", default: 0, range: 0...19))
        }
        configuration.maxConnectionsPerClient = integer(
            "PARLEY_MAX_CONNECTIONS_PER_CLIENT", default: 256, range: 1...1_000_000)
        do {
            configuration.smtp = try SMTPConfiguration.fromEnvironment(environment)
        } catch let error as ConfigurationProblems {
            problems += error.problems
        }
        if !problems.isEmpty { throw ConfigurationProblems(problems: problems) }
        return configuration
    }
}

extension ParleyConfiguration {
    static func readNotificationSettings(
        _ environment: [String: String], into notifications: inout NotificationConfiguration,
        problems: inout [ConfigurationError]
    ) {
        let durations: [(String, WritableKeyPath<NotificationConfiguration, Duration>, ClosedRange<Int64>)] = [
            ("PARLEY_REMINDER_DELAY", \.reminderDelay, 1_000...(30 * 86_400_000)),
            ("PARLEY_WEBHOOK_RETRY_BASE", \.webhookRetryBase, 10...86_400_000),
            ("PARLEY_WEBHOOK_TIMEOUT", \.webhookTimeout, 100...300_000),
        ]
        for (name, path, range) in durations {
            guard let text = environment[name], !text.isEmpty else { continue }
            if let duration = NotificationConfiguration.parseDuration(text), range.contains(duration.milliseconds) {
                notifications[keyPath: path] = duration
            } else {
                problems.append(
                    .invalid(
                        name: name,
                        reason: "expected a duration such as 30s, 10m or 2h, from \(range.lowerBound) ms to "
                            + "\(range.upperBound / 1000) s, got \"\(text)\""))
            }
        }
        if let text = environment["PARLEY_PUBLIC_URL"], !text.isEmpty {
            if let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased()), url.host != nil,
                url.query == nil, url.fragment == nil
            {
                notifications.publicURL = text.hasSuffix("/") ? String(text.dropLast()) : text
            } else {
                problems.append(
                    .invalid(
                        name: "PARLEY_PUBLIC_URL",
                        reason: "expected an http:// or https:// address such as https://chat.example.com"))
            }
        }
    }
}

/// All the unusable settings found at once, so one start-up attempt reports them all.
public struct ConfigurationProblems: Error, CustomStringConvertible {
    public let problems: [ConfigurationError]

    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
