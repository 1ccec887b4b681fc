import ParleyCore
import Testing

@Suite("Configuration from the environment")
struct ConfigurationTests {
    @Test func defaultsServeSQLiteOnLoopback() throws {
        let configuration = try ParleyConfiguration.fromEnvironment([:])
        #expect(configuration.host == "127.0.0.1" && configuration.port == 8080)
        #expect(configuration.database.location == .sqlite(path: "data/parley.sqlite"))
        #expect(configuration.seedDemoData)
    }

    @Test func databaseURLChoosesTheEngine() throws {
        let postgres = try ParleyConfiguration.fromEnvironment([
            "DATABASE_URL": "postgres://u:p@db.internal:5432/parley", "DATABASE_POOL_SIZE": "12",
        ])
        #expect(postgres.database.location == .postgres(url: "postgres://u:p@db.internal:5432/parley", schema: nil))
        #expect(postgres.database.poolSize == 12)
        let sqlite = try ParleyConfiguration.fromEnvironment(["DATABASE_URL": "sqlite:///var/lib/parley/db.sqlite"])
        #expect(sqlite.database.location == .sqlite(path: "/var/lib/parley/db.sqlite"))
    }

    @Test func theSendLimitIsReadAsMessagesPerSeconds() throws {
        #expect(try ParleyConfiguration.fromEnvironment([:]).sendRateLimit == .standard)
        let custom = try ParleyConfiguration.fromEnvironment(["PARLEY_SEND_RATE": "100/60"])
        #expect(custom.sendRateLimit == SendRateLimit(messages: 100, seconds: 60))
        #expect(try ParleyConfiguration.fromEnvironment(["PARLEY_SEND_RATE": "0"]).sendRateLimit == nil)
        #expect(throws: ConfigurationProblems.self) {
            try ParleyConfiguration.fromEnvironment(["PARLEY_SEND_RATE": "fast"])
        }
    }

    @Test func theMetricsTokenIsReadAndLeftUnsetWhenEmpty() throws {
        #expect(try ParleyConfiguration.fromEnvironment([:]).metricsToken == nil)
        #expect(try ParleyConfiguration.fromEnvironment(["METRICS_TOKEN": ""]).metricsToken == nil)
        let token = "s3cret-scraper-token-42"
        #expect(try ParleyConfiguration.fromEnvironment(["METRICS_TOKEN": token]).metricsToken == token)
    }

    @Test func aShortOrSpacedMetricsTokenIsRefusedWithoutQuotingIt() {
        for token in ["short-token", "a token with spaces in it", "tøken-with-non-ascii-1234"] {
            #expect {
                try ParleyConfiguration.fromEnvironment(["METRICS_TOKEN": token])
            } throws: { error in
                let text = String(describing: error)
                return text.contains("METRICS_TOKEN") && !text.contains(token)
            }
        }
    }

    @Test func theLogFormatIsTextUnlessJSONIsAskedFor() throws {
        #expect(try ParleyConfiguration.fromEnvironment([:]).logFormat == .text)
        #expect(try ParleyConfiguration.fromEnvironment(["LOG_FORMAT": "JSON"]).logFormat == .json)
        #expect(throws: ConfigurationProblems.self) {
            try ParleyConfiguration.fromEnvironment(["LOG_FORMAT": "xml"])
        }
    }

    @Test func everyUnusableVariableIsReportedAtOnce() {
        #expect {
            try ParleyConfiguration.fromEnvironment([
                "PORT": "eighty", "DATABASE_URL": "mysql://x", "PARLEY_DEMO": "maybe", "DATABASE_POOL_SIZE": "0",
            ])
        } throws: { error in
            let names = (error as? ConfigurationProblems)?.problems.map { problem -> String in
                guard case .invalid(let name, _) = problem else { return "" }
                return name
            }
            return names == ["PORT", "DATABASE_POOL_SIZE", "DATABASE_URL", "PARLEY_DEMO"]
        }
    }
}
