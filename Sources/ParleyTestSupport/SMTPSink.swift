import Foundation

/// A real SMTP server for one test: aiosmtpd, started by `Tests/pysupport/smtp_sink.py` on a free
/// port of 127.0.0.1, that writes down each mail it accepts (parsed by Python's `email` package).
public final class SMTPSink: Sendable {
    /// One accepted mail, as the sink's JSON line has it.
    public struct Received: Decodable, Sendable {
        public struct Part: Decodable, Sendable {
            public var contentType: String
            public var charset: String?
            public var transferEncoding: String?
            public var text: String
        }

        public var mailFrom: String
        public var rcptTos: [String]
        /// The raw message as it arrived, after the server undid the dot-stuffing.
        public var data: String
        public var tls: Bool
        public var authLogin: String?
        public var subject: String
        public var fromName: String
        public var fromAddress: String
        public var to: [String]
        public var messageId: String
        public var headers: [[String]]
        public var parts: [Part]
        public var defects: [String]
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tests/pysupport/smtp_sink.py")

    public let port: Int
    public let directory: URL
    private let process: SpawnedProcess

    /// Starts a sink with `options` (those of smtp_sink.py), runs `body`, and stops the sink.
    public static func with<Result: Sendable>(
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
    public func received() throws -> [Received] {
        let file = directory.appendingPathComponent("mail.jsonl")
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map {
            try decoder.decode(Received.self, from: Data($0.utf8))
        }
    }

    public func stop() async {
        let process = self.process
        await onOwnThread {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
