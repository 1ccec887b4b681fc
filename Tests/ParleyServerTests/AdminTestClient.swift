import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ParleyCore
import ParleyServer
import ParleyTestSupport
import Testing

/// A browser's view of the admin panel over real HTTP: it keeps cookies, follows nothing by
/// itself, and finds the CSRF token on the last page it loaded.
final class AdminTestClient: @unchecked Sendable {
    let client: any TestClientProtocol
    private(set) var cookies: [String: String] = [:]
    private(set) var lastPage = ""

    init(client: any TestClientProtocol) {
        self.client = client
    }

    @discardableResult
    func get(_ path: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await send(path, method: .get, headers: headers, body: nil)
    }

    /// Posts a form; `_csrf` is taken from the last page unless the fields set it.
    @discardableResult
    func post(
        _ path: String, _ fields: [(String, String)], csrf: Bool = true, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var fields = fields
        if csrf, !fields.contains(where: { $0.0 == "_csrf" }), let token = csrfToken {
            fields.append(("_csrf", token))
        }
        let body = fields.map { name, value in
            Self.encode(name) + "=" + Self.encode(value)
        }.joined(separator: "&")
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await send(path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    var csrfToken: String? {
        Self.firstMatch(in: lastPage, after: "name=\"_csrf\" value=\"")
    }

    /// Signs in through the login form and fails the test when that does not work.
    func signIn(email: String, password: String) async throws {
        try await get("/admin/login")
        let response = try await post("/admin/login", [("email", email), ("password", password), ("next", "")])
        #expect(response.status == .seeOther, "sign-in failed: \(String(buffer: response.body))")
    }

    private func send(
        _ path: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?
    )
        async throws -> TestResponse
    {
        var headers = headers
        if !cookies.isEmpty {
            headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        if headers[.accept] == nil { headers[.accept] = "text/html" }
        let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: body)
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0])
            let value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || header.contains("Max-Age=0") {
                cookies.removeValue(forKey: name)
            } else {
                cookies[name] = value
            }
        }
        if response.headers[.contentType]?.hasPrefix("text/html") == true {
            lastPage = String(buffer: response.body)
        }
        return response
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func firstMatch(in text: String, after marker: String) -> String? {
        guard let start = text.range(of: marker) else { return nil }
        let rest = text[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }
}

/// An application on a fresh database with one administrator signed in.
struct AdminTestContext: Sendable {
    static let adminEmail = "admin@parley.test"
    static let adminPassword = "admin-password"

    let chat: ChatTestContext
    let browser: AdminTestClient
    let admin: User

    var database: Database { chat.database }
    var fixtures: Fixtures { chat.fixtures }

    static func run(
        signedIn: Bool = true, connections: ConnectionLimits = .patient,
        _ body: @Sendable (AdminTestContext) async throws -> Void
    ) async throws {
        try await ChatTestContext.run { chat in
            let dependencies = AppDependencies(database: chat.database, events: chat.events, bcryptCost: 4)
            let admin = try await dependencies.users.createUser(
                name: "Ada Admin", email: adminEmail, role: .admin, password: adminPassword)
            let app = try await buildApplication(
                host: "127.0.0.1", port: 0, dependencies: dependencies, ownsDatabase: false,
                logger: Logger(label: "test"), connections: connections)
            try await app.test(.live) { client in
                let browser = AdminTestClient(client: client)
                if signedIn { try await browser.signIn(email: adminEmail, password: adminPassword) }
                try await body(AdminTestContext(chat: chat, browser: browser, admin: admin))
            }
        }
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var location: String? { headers[.location] }
}
