import Foundation
import ParleyTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the built `parley` executable as a separate process, as a user would.
struct ParleyProcess {
    struct Result {
        var status: Int32
        var output: String
        var errors: String
    }

    /// The `parley` binary SwiftPM built next to this test bundle.
    static let executable: URL = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("parley")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/parley")
    }()

    /// The environment without anything that would point `parley` at another database or server.
    static func environment(_ extra: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in ["DATABASE_URL", "PARLEY_TEST_DATABASE_URL", "HOST", "PORT", "ADMIN_EMAIL", "ADMIN_PASSWORD"] {
            environment.removeValue(forKey: name)
        }
        environment["LOG_LEVEL"] = "info"
        return environment.merging(extra) { $1 }
    }

    static func start(
        _ arguments: [String], in directory: URL, environment extra: [String: String] = [:]
    ) throws
        -> (SpawnedProcess, output: FileHandle, errors: FileHandle)
    {
        let process = try SpawnedProcess(
            executable: executable.path, arguments: arguments, directory: directory.path,
            environment: environment(extra))
        return (process, process.output, process.errors)
    }

    /// Runs to completion and collects what it printed.
    static func run(
        _ arguments: [String], in directory: URL, environment extra: [String: String] = [:]
    ) async throws
        -> Result
    {
        // A turn, as a test's database takes one: see TestTurns.
        try await TestTurns.take {
            let (process, output, errors) = try start(arguments, in: directory, environment: extra)
            // Both pipes at once, so that a child filling one while the other is read cannot stall.
            let errorsRead = Task.detached { errors.readDataToEndOfFile() }
            let outData = output.readDataToEndOfFile()
            let errData = await errorsRead.value
            process.waitUntilExit()
            return Result(
                status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self),
                errors: String(decoding: errData, as: UTF8.self))
        }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("parley-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A port nobody listens on now: the kernel picks it for a socket bound to port 0.
    static func freePort() throws -> Int {
        let (port, socketFD) = try listeningSocket()
        close(socketFD)
        return port
    }

    /// A socket listening on a port the kernel picked; the caller closes it.
    static func listeningSocket() throws -> (port: Int, socket: Int32) {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(socketFD, socketAddress, length) == 0 && listen(socketFD, 1) == 0
                    && getsockname(socketFD, socketAddress, &length) == 0
            }
        }
        guard bound else {
            close(socketFD)
            throw POSIXError(.EADDRINUSE)
        }
        return (Int(UInt16(bigEndian: address.sin_port)), socketFD)
    }
}
