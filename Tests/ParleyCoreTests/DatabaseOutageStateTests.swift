import Logging
import Testing

@testable import ParleyCore

/// When an outage starts and ends (``DatabaseOutage``), without a database.
@Suite("Database outage state")
struct DatabaseOutageStateTests {
    struct Broken: Error {}

    @Test func anOperationThatBeganBeforeTheOutageDoesNotEndIt() {
        let outage = DatabaseOutage(logger: Logger(label: "test"))
        let inFlight = outage.current
        outage.failed(Broken())
        outage.succeeded(since: inFlight)
        #expect(outage.isDown)
    }

    @Test func anOperationThatBeganAfterTheOutageStartedEndsIt() {
        let outage = DatabaseOutage(logger: Logger(label: "test"))
        outage.failed(Broken())
        let after = outage.current
        outage.failed(Broken())
        outage.succeeded(since: after)
        #expect(!outage.isDown)
    }

    @Test func aSecondOutageIsNotEndedByAnOperationFromBeforeTheFirstEnded() {
        let outage = DatabaseOutage(logger: Logger(label: "test"))
        outage.failed(Broken())
        let duringFirst = outage.current
        outage.succeeded(since: duringFirst)
        let betweenOutages = outage.current
        outage.failed(Broken())
        outage.succeeded(since: betweenOutages)
        #expect(outage.isDown)
    }
}
