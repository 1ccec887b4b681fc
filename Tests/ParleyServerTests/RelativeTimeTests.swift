import Foundation
import Testing

@testable import ParleyServer

/// Relative times read as Filament shows them (Carbon's diffForHumans): whole units, never
/// rounded up.
@Suite("Relative times")
struct RelativeTimeTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18T... UTC

    static func ago(_ seconds: Double) -> String {
        Formatting.relative(now.addingTimeInterval(-seconds), now: now)
    }

    static let spans: [(Double, String)] = [
        (1, "1 second ago"), (59, "59 seconds ago"), (60, "1 minute ago"), (119, "1 minute ago"),
        (3_599, "59 minutes ago"), (3_600, "1 hour ago"), (86_399, "23 hours ago"), (86_400, "1 day ago"),
        (6 * 86_400 + 86_399, "6 days ago"), (7 * 86_400, "1 week ago"), (27 * 86_400, "3 weeks ago"),
    ]

    @Test(arguments: spans)
    func shortSpansCountWholeUnits(_ seconds: Double, _ expected: String) {
        #expect(Self.ago(seconds) == expected)
    }

    @Test func oneYearAndElevenMonthsIsOneYear() throws {
        let calendar = { () -> Calendar in
            var c = Calendar(identifier: .gregorian)
            c.timeZone = TimeZone(identifier: "UTC")!
            return c
        }()
        let then = try #require(calendar.date(byAdding: DateComponents(year: -1, month: -11), to: Self.now))
        #expect(Formatting.relative(then, now: Self.now) == "1 year ago")
        let almostTwoMonths = try #require(calendar.date(byAdding: DateComponents(month: -2, second: 1), to: Self.now))
        #expect(Formatting.relative(almostTwoMonths, now: Self.now) == "1 month ago")
        let twoYears = try #require(calendar.date(byAdding: DateComponents(year: -2), to: Self.now))
        #expect(Formatting.relative(twoYears, now: Self.now) == "2 years ago")
    }

    @Test func futureTimesSayFromNow() {
        #expect(Formatting.relative(Self.now.addingTimeInterval(3 * 3_600 + 5), now: Self.now) == "3 hours from now")
    }
}
