import ParleyCore
import Testing

@Suite("Event subscriptions")
struct EventSubscriptionTests {
    @Test func aSubscriberHearsOnlyTheEventsItsFilterAcceptsAndInOrder() async {
        let bus = InProcessEventBus()
        let bans = bus.subscribe { event in
            if case .userBanned = event { true } else { false }
        }
        let everything = bus.subscribe()
        let published: [ChatEvent] = [
            .chatAvailabilityChanged(enabled: false), .userBanned(userID: 1), .accessChanged(userID: 2),
            .moderationQueueChanged, .userBanned(userID: 3),
        ]
        await bus.publish(published)
        var heard = bans.makeAsyncIterator()
        #expect(await heard.next() == .userBanned(userID: 1))
        #expect(await heard.next() == .userBanned(userID: 3))
        var all = everything.makeAsyncIterator()
        for event in published { #expect(await all.next() == event) }
    }
}
