import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyCore
import ParleyServer
import ParleyTestSupport
import Testing

@Suite("Admin sign-in, sessions and CSRF")
struct AdminAuthenticationTests {
    @Test func aRequestWithoutASessionGoesToTheLoginPage() async throws {
        try await AdminTestContext.run(signedIn: false) { context in
            let response = try await context.browser.get("/admin/chat-sessions?unread=1")
            #expect(response.status == .seeOther)
            #expect(response.location == "/admin/login?next=%2Fadmin%2Fchat%2Dsessions%3Funread%3D1")
            let post = try await context.browser.post("/admin/chat-sessions/bulk", [("action", "delete")])
            #expect(post.status == .seeOther && post.location?.hasPrefix("/admin/login") == true)
        }
    }

    @Test func anAdministratorSignsInAndIsSentWhereTheyWereGoing() async throws {
        try await AdminTestContext.run(signedIn: false) { context in
            let browser = context.browser
            try await browser.get("/admin/login?next=%2Fadmin%2Fusers")
            let response = try await browser.post(
                "/admin/login",
                [
                    ("email", "ADMIN@parley.test"), ("password", AdminTestContext.adminPassword),
                    ("next", "/admin/users"),
                ])
            #expect(response.status == .seeOther && response.location == "/admin/users")
            let cookie = response.headers[values: .setCookie].first { $0.hasPrefix("parley_session=") } ?? ""
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
            #expect(try await browser.get("/admin/users").status == .ok)
            // The session lives in the database: only its hash is stored.
            let token = try #require(browser.cookies["parley_session"])
            let stored = try await context.database.read { db in
                try await db.raw("SELECT token_hash FROM web_sessions").all().map {
                    try $0.decode(column: "token_hash", as: String.self)
                }
            }
            #expect(stored == [SecretToken.hash(token)])
        }
    }

    @Test func aForeignNextAddressIsIgnored() async throws {
        try await AdminTestContext.run(signedIn: false) { context in
            try await context.browser.get("/admin/login")
            let response = try await context.browser.post(
                "/admin/login",
                [
                    ("email", AdminTestContext.adminEmail), ("password", AdminTestContext.adminPassword),
                    ("next", "//evil.example/admin"),
                ])
            #expect(response.location == "/admin/chat-sessions")
        }
    }

    @Test func onlyAdministratorsGetIn() async throws {
        try await AdminTestContext.run(signedIn: false) { context in
            let users = UserService(database: context.database, bcryptCost: 4)
            _ = try await users.createUser(
                name: "Cat", email: "cat@example.com", role: .customer, password: "password1")
            try await context.browser.get("/admin/login")
            let response = try await context.browser.post(
                "/admin/login", [("email", "cat@example.com"), ("password", "password1")])
            #expect(response.status == .unauthorized)
            #expect(response.text.contains("do not match an administrator account"))
            #expect(context.browser.cookies["parley_session"] == nil)
        }
    }

    @Test func repeatedFailuresAreThrottled() async throws {
        try await AdminTestContext.run(signedIn: false) { context in
            for _ in 0..<SignInThrottle.freeFailuresPerAccount {
                try await context.browser.get("/admin/login")
                let failed = try await context.browser.post(
                    "/admin/login", [("email", AdminTestContext.adminEmail), ("password", "wrong")])
                #expect(failed.status == .unauthorized)
            }
            try await context.browser.get("/admin/login")
            let blocked = try await context.browser.post(
                "/admin/login", [("email", AdminTestContext.adminEmail), ("password", AdminTestContext.adminPassword)])
            #expect(blocked.status == .tooManyRequests)
            #expect(Int(blocked.headers[.init("Retry-After")!] ?? "") ?? 0 > 0)
            #expect(blocked.text.contains("Too many failed attempts"))
        }
    }

    @Test func theLoginFormNeedsItsCSRFToken() async throws {
        try await AdminTestContext.run(signedIn: false) { context in
            try await context.browser.get("/admin/login")
            let response = try await context.browser.post(
                "/admin/login",
                [
                    ("email", AdminTestContext.adminEmail), ("password", AdminTestContext.adminPassword),
                    ("_csrf", "forged"),
                ])
            #expect(response.status == .forbidden)
        }
    }

    @Test func aStateChangeWithoutTheCSRFTokenIsRefusedAndChangesNothing() async throws {
        try await AdminTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat.chat)
            _ = try await context.chat.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "hi")
            try await context.browser.get("/admin/chat-sessions")
            for fields in [[("_csrf", "wrong")], []] {
                let response = try await context.browser.post(
                    "/admin/chat-sessions/bulk", fields + [("action", "delete"), ("ids", "\(session.id)")], csrf: false)
                #expect(response.status == .forbidden)
                #expect(response.text.contains("reload the page and try again"))
            }
            #expect(try await context.chat.chat.findSession(id: session.id) != nil)
        }
    }

    @Test func signingOutEndsTheSession() async throws {
        try await AdminTestContext.run { context in
            try await context.browser.get("/admin/chat-sessions")
            let response = try await context.browser.post("/admin/logout", [])
            #expect(response.status == .seeOther && response.location == "/admin/login")
            #expect(try await context.browser.get("/admin/chat-sessions").status == .seeOther)
            let count = try await context.database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM web_sessions").first()?.decode(column: "n", as: Int64.self)
            }
            #expect(count == 0)
        }
    }

    @Test func pagesCarrySecurityHeaders() async throws {
        try await AdminTestContext.run { context in
            let response = try await context.browser.get("/admin/chat-sessions")
            #expect(response.headers[.init("Content-Security-Policy")!]?.contains("script-src 'self'") == true)
            #expect(response.headers[.init("X-Frame-Options")!] == "DENY")
            #expect(response.headers[.init("Permissions-Policy")!]?.contains("camera=()") == true)
        }
    }

    @Test func strictTransportSecurityIsSentOnlyBehindHTTPS() async throws {
        let proxy = try ConnectionLimits.patient.trusting("127.0.0.1")
        try await AdminTestContext.run(connections: proxy) { context in
            let plain = try await context.browser.get("/admin/chat-sessions")
            #expect(plain.headers[.init("Strict-Transport-Security")!] == nil)
            let secure = try await context.browser.get(
                "/admin/chat-sessions", headers: [.init("X-Forwarded-Proto")!: "https"])
            #expect(secure.headers[.init("Strict-Transport-Security")!] == "max-age=31536000; includeSubDomains")
        }
    }

    @Test func aClientCannotClaimHTTPSWithoutATrustedProxy() async throws {
        try await AdminTestContext.run { context in
            let claimed = try await context.browser.get(
                "/admin/chat-sessions", headers: [.init("X-Forwarded-Proto")!: "https"])
            #expect(claimed.headers[.init("Strict-Transport-Security")!] == nil)
        }
    }

    @Test func theOwnerSignsInWhileAGuesserBehindTheSameProxyIsThrottled() async throws {
        let proxy = try ConnectionLimits.patient.trusting("127.0.0.1")
        try await AdminTestContext.run(signedIn: false, connections: proxy) { context in
            let guesser: HTTPFields = [.init("X-Forwarded-For")!: "198.51.100.66"]
            let owner: HTTPFields = [.init("X-Forwarded-For")!: "203.0.113.9"]
            for _ in 0...SignInThrottle.freeFailuresPerAccount {
                try await context.browser.get("/admin/login")
                _ = try await context.browser.post(
                    "/admin/login", [("email", AdminTestContext.adminEmail), ("password", "guess")], headers: guesser)
            }
            try await context.browser.get("/admin/login")
            let refused = try await context.browser.post(
                "/admin/login", [("email", AdminTestContext.adminEmail), ("password", "guess")], headers: guesser)
            #expect(refused.status == .tooManyRequests)
            try await context.browser.get("/admin/login")
            let signedIn = try await context.browser.post(
                "/admin/login",
                [("email", AdminTestContext.adminEmail), ("password", AdminTestContext.adminPassword)],
                headers: owner)
            #expect(signedIn.status == .seeOther)
        }
    }

    /// The admin form and `POST /api/v1/auth/token` check the same password, so they spend the same
    /// allowance of failures: a guesser gains nothing by alternating between them.
    @Test func failuresAtEitherSignInDoorCountTogether() async throws {
        try await AdminTestContext.run(signedIn: false) { context in
            func apiSignIn(_ password: String) async throws -> HTTPResponse.Status {
                let json = #"{"email":"\#(AdminTestContext.adminEmail)","password":"\#(password)"}"#
                return try await context.browser.client.executeRequest(
                    uri: "/api/v1/auth/token", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: json)
                ).status
            }
            func formSignIn(_ password: String) async throws -> HTTPResponse.Status {
                try await context.browser.get("/admin/login")
                return try await context.browser.post(
                    "/admin/login", [("email", AdminTestContext.adminEmail), ("password", password)]
                ).status
            }
            for attempt in 0..<SignInThrottle.freeFailuresPerAccount {
                let status =
                    attempt.isMultiple(of: 2) ? try await formSignIn("wrong-guess") : try await apiSignIn("wrong-guess")
                #expect(status != .tooManyRequests, "attempt \(attempt)")
            }
            #expect(try await apiSignIn(AdminTestContext.adminPassword) == .tooManyRequests)
            #expect(try await formSignIn(AdminTestContext.adminPassword) == .tooManyRequests)
        }
    }
}
