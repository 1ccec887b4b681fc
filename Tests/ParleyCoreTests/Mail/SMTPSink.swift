import Foundation
import ParleyTestSupport

/// A real SMTP server for one test: aiosmtpd, started by `Tests/pysupport/smtp_sink.py` on a free
/// port of 127.0.0.1, that writes down each mail it accepts (parsed by Python's `email` package).
final class SMTPSink: Sendable {
    /// One accepted mail, as the sink's JSON line has it.
    struct Received: Decodable, Sendable {
        struct Part: Decodable, Sendable {
            var contentType: String
            var charset: String?
            var transferEncoding: String?
            var text: String
        }

        var mailFrom: String
        var rcptTos: [String]
        /// The raw message as it arrived, after the server undid the dot-stuffing.
        var data: String
        var tls: Bool
        var authLogin: String?
        var subject: String
        var fromName: String
        var fromAddress: String
        var to: [String]
        var messageId: String
        var headers: [[String]]
        var parts: [Part]
        var defects: [String]
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("pysupport/smtp_sink.py")

    let port: Int
    let directory: URL
    private let process: SpawnedProcess

    /// Starts a sink with `options` (those of smtp_sink.py), runs `body`, and stops the sink.
    static func with<Result: Sendable>(
        _ options: [String] = [], in directory: URL, _ body: (SMTPSink) async throws -> Result
    ) async throws -> Result {
        let sink = try await SMTPSink(options, in: directory)
        let result: Result
        do {
            result = try await body(sink)
        } catch {
            await sink.stop()
            throw error
        }
        await sink.stop()
        return result
    }

    private init(_ options: [String], in directory: URL) async throws {
        self.directory = directory
        let process = try SpawnedProcess(
            executable: "python3",
            arguments: [Self.script.path, "--out", directory.appendingPathComponent("mail.jsonl").path] + options,
            directory: directory.path, environment: ProcessInfo.processInfo.environment)
        self.process = process
        let firstLine = await onOwnThread { () -> String in
            var bytes = Data()
            while !bytes.contains(UInt8(ascii: "\n")) {
                let chunk = process.output.availableData
                if chunk.isEmpty { break }
                bytes += chunk
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        guard let port = Int(firstLine.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            let errors = await onOwnThread {
                process.terminate()
                process.waitUntilExit()
                return String(decoding: process.errors.readDataToEndOfFile(), as: UTF8.self)
            }
            throw SinkDidNotStart(errors: errors)
        }
        self.port = port
    }

    struct SinkDidNotStart: Error, CustomStringConvertible {
        var errors: String
        var description: String { "smtp_sink.py did not start: \(errors)" }
    }

    /// Every mail accepted so far.
    func received() throws -> [Received] {
        let file = directory.appendingPathComponent("mail.jsonl")
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map {
            try decoder.decode(Received.self, from: Data($0.utf8))
        }
    }

    func stop() async {
        let process = self.process
        await onOwnThread {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
