import NIOConcurrencyHelpers
import Testing

@testable import ParleyTestSupport

/// The turns that bound how many tests hold a database at once.
@Suite("Tests' turns")
struct TestTurnsTests {
    @Test func aTurnQueueLetsNoMoreThanItsWidthInAtOnceAndLetsEveryoneInInTheEnd() async {
        let queue = TurnQueue(width: 2)
        let counts = NIOLockedValueBox((inside: 0, most: 0, done: 0))
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    await queue.acquire()
                    counts.withLockedValue {
                        $0.inside += 1; $0.most = max($0.most, $0.inside)
                    }
                    for _ in 0..<20 { await Task.yield() }
                    counts.withLockedValue {
                        $0.inside -= 1; $0.done += 1
                    }
                    queue.release()
                }
            }
        }
        let final = counts.withLockedValue { $0 }
        #expect(final.most == 2)
        #expect(final.done == 10)
    }

    @Test func aWaitingTaskGetsTheTurnFreedBeforeOneThatCameLater() async {
        let queue = TurnQueue(width: 1)
        let order = NIOLockedValueBox<[String]>([])
        await queue.acquire()
        let first = Task {
            await queue.acquire()
            order.withLockedValue { $0.append("first") }
            queue.release()
        }
        while queue.waitingCount < 1 { await Task.yield() }
        let second = Task {
            await queue.acquire()
            order.withLockedValue { $0.append("second") }
            queue.release()
        }
        while queue.waitingCount < 2 { await Task.yield() }
        queue.release()
        await first.value
        await second.value
        #expect(order.withLockedValue { $0 } == ["first", "second"])
    }

    @Test func aTestsNestedDatabaseSharesItsTurnInsteadOfWaitingForAnother() async throws {
        let queue = TurnQueue(width: 1)
        let finished = NIOLockedValueBox(false)
        let nested = Task {
            let holding = try await TestTurns.take(on: queue) {
                try await TestTurns.take(on: queue) { TestTurns.holding }
            }
            finished.withLockedValue { $0 = true }
            return holding
        }
        // Either the nested take ran at once, or it queues behind its own test's turn for ever.
        while !finished.withLockedValue({ $0 }) && queue.waitingCount == 0 { await Task.yield() }
        #expect(queue.waitingCount == 0, "the nested take waited for a second turn")
        if queue.waitingCount > 0 { queue.release() }
        #expect(try await nested.value)
        #expect(!TestTurns.holding)
    }
}
