import ArgumentParser
import Foundation
import ParleyCore

/// `parley webhooks add|list|remove`: webhook endpoints from the command line, as on the admin page.
struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Add, list and remove the endpoints Parley sends events to.",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an endpoint; prints its id and the secret that signs its deliveries.")

        @Option(help: "The http:// or https:// address Parley POSTs events to.") var url: String
        @Option(
            help: "Comma-separated events: \(WebhookEventType.allCases.map(\.rawValue).joined(separator: ", ")).")
        var events: String
        @Option(help: "The signing secret (16 to 200 visible characters); generated when left out.")
        var secret: String?
        @Option(help: "A note for administrators.") var description: String = ""

        func run() async throws {
            try await WebhooksCommand.withService { webhooks in
                let endpoint = try await AuditContext.$current.withValue(.commandLine) {
                    try await webhooks.add(url: url, events: events, description: description, secret: secret)
                }
                print("id: \(endpoint.id)")
                print("secret: \(endpoint.secret)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the endpoints (secrets are not shown).")

        func run() async throws {
            try await WebhooksCommand.withService { webhooks in
                for endpoint in try await webhooks.endpoints() {
                    var line = "\(endpoint.id)\t\(endpoint.isEnabled ? "enabled" : "disabled")\t\(endpoint.url)\t"
                    line += endpoint.eventTypes.map(\.rawValue).joined(separator: ",")
                    if let reason = endpoint.disabledReason { line += "\t\(reason)" }
                    print(line)
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an endpoint and its deliveries.")

        @Option(help: "The endpoint's id, as `list` shows it.") var id: Int64

        func run() async throws {
            try await WebhooksCommand.withService { webhooks in
                try await AuditContext.$current.withValue(.commandLine) { try await webhooks.remove(id: id) }
                print("Removed endpoint \(id).")
            }
        }
    }

    /// Runs `body` on the configured database; a refused change ends with its message and status 1.
    static func withService(_ body: (WebhookService) async throws -> Void) async throws {
        let environment = try CommandEnvironment()
        let database = try await environment.openDatabase()
        do {
            try await body(
                WebhookService(database: database, configuration: environment.configuration.notifications))
            await database.close()
        } catch let error as WebhookError {
            await database.close()
            FileHandle.standardError.write(Data("parley: \(error.message)\n".utf8))
            throw ExitCode.failure
        } catch {
            await database.close()
            throw error
        }
    }
}
