import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("parley serve")
struct ServeCommandTests {
    @Test func startsOnAnEmptyDirectoryCreatesTheDatabaseAndNamesTheAdminLogin() async throws {
        let directory = try ParleyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try ParleyProcess.freePort()
        let (process, _, errors) = try ParleyProcess.start(["serve", "--port", "\(port)"], in: directory)
        defer { if process.isRunning { process.terminate() } }

        var status: Int?
        let deadline = ContinuousClock.now + .seconds(60)
        while status != 200, ContinuousClock.now < deadline, process.isRunning {
            try await Task.sleep(for: .milliseconds(200))
            status = await Self.status(of: URL(string: "http://127.0.0.1:\(port)/healthz")!)
        }
        let started = status == 200
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("data/parley.sqlite").path))

        process.terminate()  // SIGTERM: the server drains and exits cleanly.
        let log = String(decoding: errors.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(started, "healthz answered \(status.map(String.init) ?? "nothing"); the server said:\n\(log)")
        #expect(
            process.terminationStatus == 0 && process.terminationReason == .exit,
            "ended by \(process.terminationReason == .exit ? "exit" : "signal") \(process.terminationStatus):\n\(log)")
        #expect(log.contains("Created administrator admin@example.com with the password"))
        #expect(log.contains("Seeded demo data"))
        #expect(log.contains("http://127.0.0.1:\(port)"))
    }

    @Test func aTakenPortEndsServeWithAnErrorAndTheDatabaseClosed() async throws {
        let directory = try ParleyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (port, socket) = try ParleyProcess.listeningSocket()
        defer { close(socket) }
        let result = try await ParleyProcess.run(["serve", "--port", "\(port)"], in: directory)
        // Exit status 1 with the reason, not a crash (a signal) from connections left open.
        #expect(result.status == 1, "\(result.errors)")
        #expect(result.errors.contains("parley: cannot listen on 127.0.0.1:\(port)"), "\(result.errors)")
        #expect(result.errors.contains("Address already in use"), "\(result.errors)")
        // Only the bind error: no claim to be listening, no noise from services that never ran.
        #expect(!result.errors.contains("listening"), "\(result.errors)")
        #expect(!result.errors.contains("CancellationError"), "\(result.errors)")
    }

    @Test func theGeneratedAdministratorPasswordIsShownWhateverTheLogLevel() async throws {
        let directory = try ParleyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (port, socket) = try ParleyProcess.listeningSocket()
        defer { close(socket) }
        let result = try await ParleyProcess.run(
            ["serve", "--port", "\(port)"], in: directory, environment: ["LOG_LEVEL": "error", "PARLEY_DEMO": "0"])
        #expect(
            result.errors.contains("Created administrator admin@example.com with the password "), "\(result.errors)")
        #expect(result.errors.contains("parley reset-password --email admin@example.com"), "\(result.errors)")
    }

    @Test func serveAnswersMetricsToTheBearerOfMetricsTokenAndNeverLogsIt() async throws {
        let directory = try ParleyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try ParleyProcess.freePort()
        let token = "serve-metrics-token-0123456789"
        let (process, _, errors) = try ParleyProcess.start(
            ["serve", "--port", "\(port)"], in: directory,
            environment: ["PARLEY_DEMO": "0", "METRICS_TOKEN": token, "LOG_LEVEL": "trace"])
        defer { if process.isRunning { process.terminate() } }
        var status: Int?
        let deadline = ContinuousClock.now + .seconds(60)
        while status != 200, ContinuousClock.now < deadline, process.isRunning {
            try await Task.sleep(for: .milliseconds(200))
            status = await Self.status(of: URL(string: "http://127.0.0.1:\(port)/healthz")!)
        }
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        let anonymous = try await URLSession.shared.data(for: request)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let scraped = try await URLSession.shared.data(for: request)
        process.terminate()
        let log = String(decoding: errors.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        #expect((anonymous.1 as? HTTPURLResponse)?.statusCode == 404)
        #expect((scraped.1 as? HTTPURLResponse)?.statusCode == 200, "\(log)")
        let text = String(decoding: scraped.0, as: UTF8.self)
        // The database is opened with the application's metrics: start-up's reads already waited.
        let waits = text.split(separator: "\n").first { $0.hasPrefix("parley_database_connection_wait_seconds_count ") }
        #expect((waits?.split(separator: " ").last.flatMap { Double($0) } ?? 0) > 0, "\(text)")
        #expect(!log.contains(token))
    }

    @Test func withLogFormatJSONServeWritesEachLogMessageAsOneJSONLine() async throws {
        let directory = try ParleyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (port, socket) = try ParleyProcess.listeningSocket()
        defer { close(socket) }
        // The taken port ends serve soon after it has seeded, logging as it goes.
        let result = try await ParleyProcess.run(
            ["serve", "--port", "\(port)"], in: directory, environment: ["LOG_FORMAT": "json"])
        let lines = result.errors.split(separator: "\n")
        let objects = lines.filter { $0.hasPrefix("{") }.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        #expect(objects.count == lines.filter { $0.hasPrefix("{") }.count, "\(result.errors)")
        #expect(objects.contains { ($0["message"] as? String)?.hasPrefix("Seeded demo data") == true })
        #expect(objects.allSatisfy { $0["time"] is String && $0["level"] is String && $0["label"] is String })
        // Only what is printed rather than logged (the one-time password, the bind error) is plain.
        #expect(lines.allSatisfy { $0.hasPrefix("{") || $0.hasPrefix("parley: ") }, "\(result.errors)")
    }

    static func status(of url: URL) async -> Int? {
        do {
            let (_, response) = try await URLSession.shared.data(from: url)
            return (response as? HTTPURLResponse)?.statusCode
        } catch {
            return nil
        }
    }
}
