import Foundation
import NIOConcurrencyHelpers
import ParleyCore
import ParleyTestSupport
import Testing

/// The throttle slows the guesser, not the owner (issue 8, item 3).
@Suite("Sign-in throttle")
struct SignInThrottleTests {
    typealias TestClock = ManualClock

    static let owner = "owner@example.com"

    @Test func theFirstFailuresCostNothingAndLaterOnesDoubleTheWait() async throws {
        try await ChatTestContext.run { context in
            let clock = TestClock()
            let throttle = SignInThrottle(database: context.database, clock: clock.read)
            for _ in 0..<(SignInThrottle.freeFailuresPerAccount - 1) {
                try await throttle.recordFailure(email: Self.owner, client: "203.0.113.9")
                #expect(try await throttle.retryAfter(email: Self.owner, client: "203.0.113.9") == nil)
            }
            var waits: [TimeInterval] = []
            for _ in 0..<4 {
                try await throttle.recordFailure(email: Self.owner, client: "203.0.113.9")
                let wait = try #require(try await throttle.retryAfter(email: Self.owner, client: "203.0.113.9"))
                waits.append(wait)
                clock.advance(wait)
                #expect(try await throttle.retryAfter(email: Self.owner, client: "203.0.113.9") == nil)
            }
            #expect(waits == [4, 8, 16, 32])
        }
    }

    @Test func theWaitNeverExceedsFifteenMinutes() {
        #expect(SignInThrottle.delay(afterFailures: 500, free: 5) == 15 * 60)
        #expect(SignInThrottle.delay(afterFailures: 4, free: 5) == 0)
    }

    @Test func aGuesserElsewhereDoesNotDelayTheOwner() async throws {
        try await ChatTestContext.run { context in
            let throttle = SignInThrottle(database: context.database, clock: TestClock().read)
            for _ in 0..<30 {
                try await throttle.recordFailure(email: Self.owner, client: "198.51.100.66")
            }
            #expect(try await throttle.retryAfter(email: Self.owner, client: "198.51.100.66") != nil)
            #expect(try await throttle.retryAfter(email: Self.owner, client: "203.0.113.9") == nil)
        }
    }

    @Test func oneAddressTryingManyAccountsIsThrottledByAddress() async throws {
        try await ChatTestContext.run { context in
            let throttle = SignInThrottle(database: context.database, clock: TestClock().read)
            for index in 0..<SignInThrottle.freeFailuresPerClient {
                try await throttle.recordFailure(email: "user\(index)@example.com", client: "198.51.100.66")
            }
            #expect(try await throttle.retryAfter(email: "someone-new@example.com", client: "198.51.100.66") != nil)
            #expect(try await throttle.retryAfter(email: "someone-new@example.com", client: "203.0.113.9") == nil)
        }
    }

    @Test func aSuccessForgivesThatAccountsFailuresFromThatAddressOnly() async throws {
        try await ChatTestContext.run { context in
            let throttle = SignInThrottle(database: context.database, clock: TestClock().read)
            for _ in 0..<SignInThrottle.freeFailuresPerAccount {
                try await throttle.recordFailure(email: Self.owner, client: "203.0.113.9")
                try await throttle.recordFailure(email: Self.owner, client: "198.51.100.66")
            }
            try await throttle.recordSuccess(email: Self.owner, client: "203.0.113.9")
            #expect(try await throttle.retryAfter(email: Self.owner, client: "203.0.113.9") == nil)
            #expect(try await throttle.retryAfter(email: Self.owner, client: "198.51.100.66") != nil)
        }
    }

    @Test func failuresOlderThanTheWindowAreForgotten() async throws {
        try await ChatTestContext.run { context in
            let clock = TestClock()
            let throttle = SignInThrottle(database: context.database, clock: clock.read)
            for _ in 0..<12 {
                try await throttle.recordFailure(email: Self.owner, client: "198.51.100.66")
            }
            clock.advance(SignInThrottle.window + 1)
            try await throttle.recordFailure(email: Self.owner, client: "198.51.100.66")
            #expect(try await throttle.retryAfter(email: Self.owner, client: "198.51.100.66") == nil)
        }
    }

    @Test func aThirdConcurrentCheckOfOneAccountFromOneAddressIsRefusedWithoutCheckingThePassword() async throws {
        try await ChatTestContext.run { context in
            let throttle = SignInThrottle(database: context.database, clock: TestClock().read)
            let (started, startedContinuation) = AsyncStream<Void>.makeStream()
            let releases = [AsyncStream<Void>.makeStream(), AsyncStream<Void>.makeStream()]
            let checked = NIOLockedValueBox(0)
            // Each slow check waits on its own stream: an AsyncStream has one reader.
            func slowCheck(_ release: AsyncStream<Void>) -> @Sendable () async throws -> User? {
                {
                    checked.withLockedValue { $0 += 1 }
                    startedContinuation.yield()
                    for await _ in release { break }
                    return nil
                }
            }
            async let first = throttle.attempt(
                email: Self.owner, client: "198.51.100.66", authenticate: slowCheck(releases[0].stream))
            async let second = throttle.attempt(
                email: Self.owner, client: "198.51.100.66", authenticate: slowCheck(releases[1].stream))
            var iterator = started.makeAsyncIterator()
            _ = await iterator.next()
            _ = await iterator.next()
            let third = try await throttle.attempt(email: Self.owner, client: "198.51.100.66") {
                Issue.record("the third check ran")
                return nil
            }
            guard case .throttled = third else { throw Failure("a third check from one address was let in") }
            let elsewhere = try await throttle.attempt(email: Self.owner, client: "203.0.113.9") { nil }
            guard case .failed = elsewhere else { throw Failure("another address was held up") }
            let colleague = try await throttle.attempt(email: "colleague@example.com", client: "198.51.100.66") { nil }
            guard case .failed = colleague else { throw Failure("another account from that address was held up") }
            for release in releases { release.continuation.finish() }
            _ = try await (first, second)
            #expect(checked.withLockedValue { $0 } == 2)
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
