import Foundation
import Logging
import ParleyCore
import Testing

@testable import ParleyServer

@Suite("Realtime hub")
struct RealtimeHubTests {
    final class Socket: RealtimeConnection, @unchecked Sendable {
        var closedWith: RealtimeCloseReason?
        func send(_ text: String) {}
        func close(_ reason: RealtimeCloseReason) { closedWith = reason }
    }

    @Test func oneUserCannotHoldMoreThanTheMaximumOfSockets() {
        let hub = RealtimeHub(events: InProcessEventBus(), logger: Logger(label: "test"), maximumPerUser: 3)
        let sockets = (0..<4).map { _ in Socket() }
        #expect(sockets.prefix(3).allSatisfy { hub.connect(userID: 7, $0) })
        #expect(!hub.connect(userID: 7, sockets[3]))
        #expect(hub.connect(userID: 8, Socket()), "another user is not affected")
        hub.disconnect(userID: 7, sockets[0])
        #expect(hub.connect(userID: 7, sockets[3]), "a closed socket frees its place")
        #expect(hub.connectionCount(userID: 7) == 3)
    }

    @Test func aBanClosesEveryOneOfTheUsersSocketsAndNoOneElses() {
        let hub = RealtimeHub(events: InProcessEventBus(), logger: Logger(label: "test"), maximumPerUser: 3)
        let theirs = [Socket(), Socket()]
        let other = Socket()
        for socket in theirs { _ = hub.connect(userID: 7, socket) }
        _ = hub.connect(userID: 8, other)
        hub.deliver(.userBanned(userID: 7))
        #expect(theirs.allSatisfy { $0.closedWith == .banned })
        #expect(other.closedWith == nil)
        #expect(hub.connectionCount(userID: 7) == 0)
    }
}
