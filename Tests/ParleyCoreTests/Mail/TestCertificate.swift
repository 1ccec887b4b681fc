import Foundation
import ParleyTestSupport

/// A self-signed certificate made with `openssl` for a test, valid for `names` (host names or IP addresses).
struct TestCertificate {
    let certificate: String
    let key: String

    init(names: [String], in directory: URL, file: String = "server") async throws {
        certificate = directory.appendingPathComponent("\(file).crt").path
        key = directory.appendingPathComponent("\(file).key").path
        let alternativeNames = names.map { name in
            name.allSatisfy { $0.isNumber || $0 == "." } || name.contains(":") ? "IP:\(name)" : "DNS:\(name)"
        }
        let process = try SpawnedProcess(
            executable: "openssl",
            arguments: [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=\(names[0])", "-addext", "subjectAltName=\(alternativeNames.joined(separator: ","))",
                "-keyout", key, "-out", certificate,
            ],
            directory: directory.path, environment: ProcessInfo.processInfo.environment)
        let errors = await onOwnThread {
            let errors = process.errors.readDataToEndOfFile()
            _ = process.output.readDataToEndOfFile()
            process.waitUntilExit()
            return errors
        }
        guard process.terminationStatus == 0 else {
            throw OpenSSLFailed(errors: String(decoding: errors, as: UTF8.self))
        }
    }

    struct OpenSSLFailed: Error {
        var errors: String
    }
}
