import Foundation
import ParleyCore
import Testing

@Suite("SMTP settings from the environment")
struct SMTPConfigurationTests {
    static let from = ["SMTP_FROM": "Parley <reminders@parley.test>"]

    static func smtp(_ url: String, _ extra: [String: String] = from) throws -> SMTPConfiguration? {
        try ParleyConfiguration.fromEnvironment(extra.merging(["SMTP_URL": url]) { $1 }).smtp
    }

    /// The messages of the problems reported for these variables.
    static func problems(_ environment: [String: String]) -> [String] {
        do {
            _ = try ParleyConfiguration.fromEnvironment(environment)
            return []
        } catch {
            return (error as? ConfigurationProblems)?.problems.map(\.description) ?? ["\(error)"]
        }
    }

    @Test func withoutSMTPURLNoMailIsSent() throws {
        #expect(try ParleyConfiguration.fromEnvironment([:]).smtp == nil)
        #expect(try ParleyConfiguration.fromEnvironment(["SMTP_URL": "", "SMTP_FROM": "x"]).smtp == nil)
    }

    @Test func userAndPasswordArePercentDecoded() throws {
        let smtp = try #require(try Self.smtp("smtp://mailer%40parley.test:p%40ss%3Aw%C3%B6rd%2F@mail.parley.test:587"))
        #expect(smtp.host == "mail.parley.test" && smtp.port == 587 && smtp.security == .startTLSWhenOffered)
        #expect(smtp.username == "mailer@parley.test" && smtp.password == "p@ss:wörd/")
        #expect(smtp.from == (try MailAddress("reminders@parley.test", displayName: "Parley")))
        #expect(smtp.extraTrustRootsFile == nil)
    }

    @Test func eachSchemeHasItsDefaultPort() throws {
        let plain = try #require(try Self.smtp("smtp://mail.parley.test"))
        #expect(plain.port == 25 && plain.security == .startTLSWhenOffered && plain.username == nil)
        let tls = try #require(try Self.smtp("SMTPS://mail.parley.test/"))
        #expect(tls.port == 465 && tls.security == .implicitTLS)
        #expect(try Self.smtp("smtp://[::1]:2525")?.host == "::1")
    }

    @Test func theDescriptionHidesThePassword() throws {
        let smtp = try #require(try Self.smtp("smtps://mailer:hunter2-secret@mail.parley.test"))
        #expect(smtp.description == "smtps://mailer:***@mail.parley.test:465 from Parley <reminders@parley.test>")
        var dumped = ""
        dump(smtp, to: &dumped)
        for text in [smtp.description, String(reflecting: smtp), "\(smtp)", dumped] {
            #expect(!text.contains("hunter2"))
        }
    }

    @Test func anotherSchemeIsRefusedWithoutQuotingTheURL() {
        let problems = Self.problems(Self.from.merging(["SMTP_URL": "http://u:hunter2@mail.parley.test"]) { $1 })
        #expect(problems.count == 1 && problems[0].contains("SMTP_URL") && problems[0].contains("scheme"))
        #expect(!problems[0].contains("hunter2"))
    }

    @Test func aURLWithoutAHostIsRefused() {
        for url in ["smtp://", "smtp://u:p@:25", "smtp:mail.parley.test"] {
            let problems = Self.problems(Self.from.merging(["SMTP_URL": url]) { $1 })
            #expect(problems.count == 1 && problems.first?.contains("SMTP_URL") == true, "\(url)")
        }
    }

    @Test func aMissingOrMalformedSenderIsRefused() throws {
        #expect(Self.problems(["SMTP_URL": "smtp://mail.parley.test"]).first?.contains("SMTP_FROM") == true)
        for from in ["Parley", "Parley <reminders>", "a b@parley.test", "Parley <x@parley.test>\r\nBcc: y@z.test"] {
            let problems = Self.problems(["SMTP_URL": "smtp://mail.parley.test", "SMTP_FROM": from])
            #expect(problems.count == 1 && problems.first?.contains("SMTP_FROM") == true, "\(from)")
        }
        #expect(
            try Self.smtp("smtp://mail.parley.test", ["SMTP_FROM": "reminders@parley.test"])?.from.address
                == "reminders@parley.test")
    }

    @Test func anUnreadableTrustRootsFileIsRefused() throws {
        let environment = Self.from.merging([
            "SMTP_URL": "smtps://mail.parley.test", "SMTP_CA_FILE": "/nonexistent/ca.pem",
        ]) { $1 }
        #expect(Self.problems(environment).first?.contains("SMTP_CA_FILE") == true)
    }

    @Test func everyUnusableMailVariableIsReportedTogether() {
        let problems = Self.problems(["SMTP_URL": "ftp://x", "SMTP_FROM": "nobody", "PORT": "x"])
        #expect(problems.count == 3)
    }
}
