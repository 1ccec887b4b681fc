import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ParleyCore
import ParleyServer
import ParleyTestSupport
import Testing

@Suite("GET /healthz")
struct HealthEndpointTests {
    @Test func answers200WhileTheDatabaseAnswers() async throws {
        try await TestDatabase.withFresh { database in
            let app = try await buildApplication(
                host: "127.0.0.1", port: 0, dependencies: AppDependencies(database: database), ownsDatabase: false,
                logger: Logger(label: "test"))
            try await app.test(.live) { client in
                try await client.execute(uri: "/healthz", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
                    #expect(response.headers[.contentType] == "application/json")
                }
            }
        }
    }

    @Test func answers503WhenTheDatabaseIsGone() async throws {
        try await TestDatabase.withFresh { database in
            let app = try await buildApplication(
                host: "127.0.0.1", port: 0, dependencies: AppDependencies(database: database), ownsDatabase: false,
                logger: Logger(label: "test"))
            // Closed before the server starts: closing waits for the connections' work in flight, which
            // on a busy test run took long enough for the server to drop an idle test client.
            await database.close()
            try await app.test(.live) { client in
                try await client.execute(uri: "/healthz", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(String(buffer: response.body).contains("database unreachable"))
                }
            }
        }
    }
}
