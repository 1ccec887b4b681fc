import Foundation
@testable import ParleyCore
import ParleyTestSupport
import Testing

/// Sends that arrive together are written in shared transactions; each must still behave as if
/// it had been written alone.
@Suite("Concurrent sends")
struct ConcurrentSendTests {
    @Test func aBurstOfSendsIsBatchedAndEveryCounterStaysTrue() async throws {
        try await ChatTestContext.run { context in
            var conversations: [(customer: User, vendor: User, session: ChatSession)] = []
            for _ in 0..<8 {
                let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
                conversations.append((customer, vendor, session))
            }
            let recorder = context.recordEvents()
            let chat = context.chat
            let sent = try await withThrowingTaskGroup(of: ChatMessage.self) { group in
                for index in 0..<160 {
                    let conversation = conversations[index % conversations.count]
                    let sender = index % 3 == 0 ? conversation.vendor : conversation.customer
                    group.addTask {
                        try await chat.sendMessage(
                            sessionID: conversation.session.id, senderID: sender.id, body: "m\(index)")
                    }
                }
                return try await group.reduce(into: [ChatMessage]()) { $0.append($1) }
            }
            #expect(Set(sent.map(\.id)).count == 160)
            #expect(try await CounterAudit(database: context.database).findDrift().isEmpty)
            for conversation in conversations {
                let session = try #require(try await chat.findSession(id: conversation.session.id))
                let mine = sent.filter { $0.sessionID == session.id }
                #expect(session.messagesCount == Int64(mine.count))
                #expect(session.vendorUnreadCount == Int64(mine.filter { $0.senderRole == .customer }.count))
                #expect(session.customerUnreadCount == Int64(mine.filter { $0.senderRole == .vendor }.count))
                #expect(session.lastMessageAt == mine.map(\.createdAt).max())
            }
            let created = await recorder.events(atLeast: 160).filter {
                if case .messageCreated = $0 { return true } else { return false }
            }
            #expect(created.count == 160)
            let statistics = chat.sendStatistics
            #expect(statistics.sends == 160 && statistics.batches < 160, "\(statistics)")
        }
    }

    @Test func aBadSendInABatchFailsAloneAndRepeatsAnswerTheFirstMessage() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let (otherCustomer, _, _, otherSession) = try await context.fixtures.conversation(chat: context.chat)
            let chat = context.chat
            enum Outcome: Equatable {
                case sent(Int64)
                case failed(ChatError)
            }
            func attempt(_ session: Int64, _ sender: Int64, _ clientID: String?) async -> Outcome {
                do {
                    let sent = try await chat.send(
                        sessionID: session, senderID: sender, body: "hello", clientMessageID: clientID)
                    return .sent(sent.message.id)
                } catch let error as ChatError {
                    return .failed(error)
                } catch {
                    return .failed(.emptyBody)
                }
            }
            let outcomes = await withTaskGroup(of: (Int, Outcome).self) { group in
                let attempts: [(Int64, Int64, String?)] = [
                    (session.id, customer.id, "a"),  // 0: new
                    (session.id, customer.id, "a"),  // 1: the same send again: answers message 0
                    (999_999, customer.id, nil),  // 2: no such session
                    (session.id, otherCustomer.id, nil),  // 3: not theirs
                    (otherSession.id, customer.id, "b"),  // 4: not theirs either
                    (session.id, vendor.id, "a"),  // 5: another sender may use the same id
                    (session.id, customer.id, nil),  // 6: new
                ]
                for (index, (sessionID, senderID, clientID)) in attempts.enumerated() {
                    group.addTask { (index, await attempt(sessionID, senderID, clientID)) }
                }
                return await group.reduce(into: [Int: Outcome]()) { $0[$1.0] = $1.1 }
            }
            guard case .sent(let first) = outcomes[0] else { Issue.record("\(outcomes)"); return }
            #expect(outcomes[1] == .sent(first))
            #expect(outcomes[2] == .failed(.sessionNotFound(id: 999_999)))
            #expect(outcomes[3] == .failed(.notParticipant(userID: otherCustomer.id, sessionID: session.id)))
            #expect(outcomes[4] == .failed(.notParticipant(userID: customer.id, sessionID: otherSession.id)))
            guard case .sent(let vendors) = outcomes[5], case .sent(let last) = outcomes[6] else {
                Issue.record("\(outcomes)")
                return
            }
            #expect(Set([first, vendors, last]).count == 3)
            let stored = try #require(try await chat.findSession(id: session.id))
            #expect(stored.messagesCount == 3)
            #expect(try await context.fixtures.tableCounts()["chat_messages"] == 3)
            #expect(try await CounterAudit(database: context.database).findDrift().isEmpty)
            // A client id the customer used in one session cannot send into another of theirs.
            let product = try await context.fixtures.product(vendor: vendor)
            let second = try await chat.createSession(
                productID: product.id, customerID: customer.id, vendorID: vendor.id)
            await #expect(throws: ChatError.clientMessageIDReused) {
                _ = try await chat.send(sessionID: second.id, senderID: customer.id, body: "x", clientMessageID: "a")
            }
        }
    }

    @Test func oneBatchAnswersEachSendOnItsOwn() async throws {
        try await ChatTestContext.run { context in
            let (customer, vendor, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let (otherCustomer, _, _, _) = try await context.fixtures.conversation(chat: context.chat)
            let earlier = try await context.chat.send(
                sessionID: session.id, senderID: customer.id, body: "before", clientMessageID: "old")
            let sends: [MessageSendBatcher.Send] = [
                .init(sessionID: session.id, senderID: customer.id, body: "one", clientMessageID: "a"),
                .init(sessionID: session.id, senderID: customer.id, body: "one again", clientMessageID: "a"),
                .init(sessionID: 999_999, senderID: customer.id, body: "lost", clientMessageID: nil),
                .init(sessionID: session.id, senderID: otherCustomer.id, body: "intruder", clientMessageID: nil),
                .init(sessionID: session.id, senderID: customer.id, body: "retry", clientMessageID: "old"),
                .init(sessionID: session.id, senderID: vendor.id, body: "reply", clientMessageID: "a"),
            ]
            let engine = context.database.engine
            let results = try await context.database.write { db in
                let applied = try await MessageSendBatcher.apply(
                    sends, at: Date(), engine: engine, on: db, locking: true)
                for (_, statement) in applied.statements { try await db.raw(statement).run() }
                return applied.outcomes
            }
            let first = try results[0].get()
            #expect(first.0.body == "one" && first.1?.messagesCount == 3)
            let repeated = try results[1].get()
            #expect(repeated.0.id == first.0.id && repeated.1 == nil)
            #expect(throws: ChatError.sessionNotFound(id: 999_999)) { try results[2].get() }
            #expect(throws: ChatError.notParticipant(userID: otherCustomer.id, sessionID: session.id)) {
                try results[3].get()
            }
            let retried = try results[4].get()
            #expect(retried.0.id == earlier.message.id && retried.1 == nil)
            let reply = try results[5].get()
            #expect(reply.0.senderRole == .vendor && reply.0.id > first.0.id)
            let stored = try #require(try await context.chat.findSession(id: session.id))
            #expect(stored.messagesCount == 3 && stored.vendorUnreadCount == 2 && stored.customerUnreadCount == 1)
            #expect(try await CounterAudit(database: context.database).findDrift().isEmpty)
        }
    }

    @Test func aSingleSendIsABatchOfOne() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            _ = try await context.chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "alone")
            let statistics = context.chat.sendStatistics
            #expect(statistics.batches == 1 && statistics.sends == 1)
        }
    }

    @Test func finishingAnswersEveryQueuedSendAndRefusesLaterOnesWithoutWritingThem() async throws {
        try await ChatTestContext.run { context in
            let (customer, _, _, session) = try await context.fixtures.conversation(chat: context.chat)
            let chat = context.chat
            let fixtures = context.fixtures
            @Sendable func attempt(_ index: Int) async -> Result<ChatService.SentMessage, any Error> {
                do {
                    return .success(
                        try await chat.send(
                            sessionID: session.id, senderID: customer.id, body: "m\(index)",
                            clientMessageID: "c\(index)"
                        ))
                } catch {
                    return .failure(error)
                }
            }
            @Sendable func stored() async throws -> Int { Int(try await fixtures.tableCounts()["chat_messages"] ?? 0) }
            var outcomes: [Result<ChatService.SentMessage, any Error>] = []
            var storedWhenFinished = -1
            await withTaskGroup(of: Result<ChatService.SentMessage, any Error>.self) { group in
                for index in 0..<200 {
                    group.addTask { await attempt(index) }
                }
                // Some sends are written or queued by now, maybe others not yet submitted; later ones
                // certainly come after.
                while chat.sendStatistics.sends < 20 { await Task.yield() }
                await chat.sendQueue.finish()
                storedWhenFinished = (try? await stored()) ?? -1
                for index in 200..<220 {
                    group.addTask { await attempt(index) }
                }
                for await outcome in group { outcomes.append(outcome) }
            }
            let sent = outcomes.compactMap { try? $0.get() }
            let refused = outcomes.filter {
                if case .failure(let error) = $0 { return error is ServiceShuttingDown } else { return false }
            }
            #expect(sent.count + refused.count == 220, "every send answered or refused: \(outcomes.count)")
            #expect(sent.count >= 20 && refused.count >= 20)
            // Nothing was written after finish() returned, and nothing refused was written.
            #expect(storedWhenFinished == sent.count)
            #expect(try await stored() == sent.count)
            #expect(try await CounterAudit(database: context.database).findDrift().isEmpty)
            await #expect(throws: ServiceShuttingDown.self) {
                _ = try await chat.sendMessage(sessionID: session.id, senderID: customer.id, body: "too late")
            }
        }
    }
}
