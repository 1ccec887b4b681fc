import ArgumentParser
import Foundation
import ParleyCore

struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed", abstract: "Fill the database with demo data or with bulk data for benchmarks.")

    @Flag(help: "A small, realistic marketplace to explore.") var demo = false
    @Flag(help: "Bulk data for benchmarks, sized by the options below.") var bench = false
    @Option(help: "Users for --bench (a tenth of them vendors).") var users = 100_000
    @Option(help: "Products for --bench.") var products = 50_000
    @Option(help: "Chat sessions for --bench.") var sessions = 1_000_000
    @Option(help: "Messages for --bench, spread over the sessions.") var messages = 10_000_000
    @Option(
        help: """
            For the realtime benchmarks: this many customer-vendor conversations with API tokens, \
            written to --tokens as lines of session id, customer token, vendor token.
            """)
    var realtimePairs: Int?
    @Option(help: "Where --realtime-pairs writes its tokens (keep the file private).") var tokens: String?

    func validate() throws {
        let modes = [demo, bench, realtimePairs != nil].filter { $0 }.count
        guard modes == 1 else { throw ValidationError("choose exactly one of --demo, --bench and --realtime-pairs") }
        if let realtimePairs {
            guard (1...100_000).contains(realtimePairs) else {
                throw ValidationError("--realtime-pairs must be 1 to 100000")
            }
            guard tokens != nil else { throw ValidationError("--realtime-pairs needs --tokens FILE") }
        }
    }

    func run() async throws {
        let environment = try CommandEnvironment()
        let database = try await environment.openDatabase()
        if let realtimePairs, let tokens {
            let pairs = try await RealtimeBenchSeeder(database: database).seed(pairs: realtimePairs)
            await database.close()
            let text = pairs.map(\.line).joined(separator: "\n") + "\n"
            guard
                FileManager.default.createFile(
                    atPath: tokens, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
            else { throw ValidationError("cannot write \(tokens)") }
            print("Seeded \(pairs.count) conversations; their tokens are in \(tokens).")
            return
        }
        if demo {
            let summary = try await DemoSeeder(database: database, events: database.makeEventBus()).seed()
            await database.close()
            print(
                """
                Seeded \(summary.users) users, \(summary.products) products, \(summary.sessions) chat sessions \
                and \(summary.messages) messages; demo password "\(DemoSeeder.password)".
                """)
            return
        }
        let sizes = BenchSeeder.Sizes(users: users, products: products, sessions: sessions, messages: messages)
        let seeder: BenchSeeder
        do {
            seeder = try BenchSeeder(database: database, sizes: sizes)
        } catch {
            await database.close()
            throw ValidationError("\(error)")
        }
        let started = ContinuousClock.now
        try await seeder.seed { done, total, phase in
            ProgressBar.draw(done: done, total: total, label: phase, since: started)
        }
        let elapsed = ContinuousClock.now - started
        FileHandle.standardError.write(Data("\n".utf8))
        await database.close()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(
            String(
                format: "Seeded %d rows in %.1f s (%.0f rows/s); every generated user's password is \"%@\".",
                sizes.totalRows, seconds, Double(sizes.totalRows) / seconds, BenchSeeder.password))
    }
}

/// A one-line progress bar on standard error, redrawn in place.
enum ProgressBar {
    static func draw(done: Int, total: Int, label: String, since start: ContinuousClock.Instant) {
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let width = 30
        let filled = Int(fraction * Double(width))
        let elapsed = ContinuousClock.now - start
        let seconds = max(0.001, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        let line = String(
            format: "\r[%@%@] %3.0f%% %d/%d rows, %.0f rows/s, %@   ",
            String(repeating: "#", count: filled), String(repeating: " ", count: width - filled),
            fraction * 100, done, total, Double(done) / seconds, label)
        FileHandle.standardError.write(Data(line.utf8))
    }
}
