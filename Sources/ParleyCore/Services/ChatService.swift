import Foundation
import SQLKit

/// The only code that changes conversations.
///
/// Every operation is one transaction that keeps the message rows, the session's counters,
/// `last_message_at` and `updated_at` in step and logs its events; they are published once it
/// has committed (``Database/write(publishingTo:at:_:)``).
public struct ChatService: Sendable {
    /// The longest message body, in characters, after trimming.
    public static let maximumBodyLength = 5_000
    /// The longest id a client may give its message.
    public static let maximumClientMessageIDLength = 100

    let database: Database
    let events: any ChatEventBus
    let clock: @Sendable () -> Date
    /// Every send goes through it. The server runs it as a service, so that stopping answers or
    /// refuses every queued send.
    public let sendQueue: MessageSendBatcher

    /// `metrics` learns the size of every batch of sends written.
    public init(
        database: Database, events: any ChatEventBus, clock: @escaping @Sendable () -> Date = { Date() },
        metrics: any MetricsRecorder = NoMetrics()
    ) {
        self.database = database
        self.events = events
        self.clock = clock
        self.sendQueue = MessageSendBatcher(database: database, events: events, clock: clock, metrics: metrics)
    }

    // MARK: Sessions

    /// Opens a conversation about a product between a customer and a vendor.
    ///
    /// - Throws: ``ChatError/sessionExists(existingID:)`` when the triple already has a session.
    public func createSession(
        productID: Int64, customerID: Int64, vendorID: Int64, lastMessageAt: Date? = nil
    )
        async throws -> ChatSession
    {
        let now = clock()
        let engine = database.engine
        return try await database.write(publishingTo: events, at: now) { db in
            try await Self.validateParticipants(
                productID: productID, customerID: customerID, vendorID: vendorID, on: db)
            let sessions = ChatSessionRepository(db, engine: engine)
            if let existing = try await sessions.find(productID: productID, customerID: customerID, vendorID: vendorID)
            {
                throw ChatError.sessionExists(existingID: existing.id)
            }
            let session = try await sessions.insert(
                productID: productID, customerID: customerID, vendorID: vendorID, lastMessageAt: lastMessageAt, at: now)
            try await AuditLogRepository(db).appendAction(
                .sessionCreated, target: .chatSession, ids: [session.id],
                summary: "product #\(productID), customer #\(customerID), vendor #\(vendorID)", at: now)
            return (session, [.sessionCreated(session)])
        }
    }

    /// The conversation `customer` has about a product with that product's vendor, opened when
    /// there is none yet. `created` tells which.
    ///
    /// - Throws: ``ChatError/customersOnly`` unless `customer` may open conversations (``ChatAccess``),
    ///   ``ChatError/productNotFound(id:)``, ``ChatError/ownProduct``.
    public func openSession(productID: Int64, for customer: User) async throws -> (session: ChatSession, created: Bool)
    {
        guard ChatAccess.opensConversations(customer) else { throw ChatError.customersOnly }
        let vendorID = try await database.read { db in
            guard let product = try await ProductRepository(db).find(id: productID) else {
                throw ChatError.productNotFound(id: productID)
            }
            return product.vendorID
        }
        guard vendorID != customer.id else { throw ChatError.ownProduct }
        if let existing = try await database.read({ db in
            try await ChatSessionRepository(db, engine: database.engine)
                .find(productID: productID, customerID: customer.id, vendorID: vendorID)
        }) {
            return (existing, false)
        }
        do {
            return (try await createSession(productID: productID, customerID: customer.id, vendorID: vendorID), true)
        } catch ChatError.sessionExists(let existingID) {
            // Someone opened the same conversation a moment ago; theirs is ours.
            guard let session = try await findSession(id: existingID) else {
                throw ChatError.sessionNotFound(id: existingID)
            }
            return (session, false)
        }
    }

    /// Changes which product, customer and vendor a session is about, and its last-message time.
    public func updateSession(
        id: Int64, productID: Int64, customerID: Int64, vendorID: Int64, lastMessageAt: Date?
    ) async throws -> ChatSession {
        let now = clock()
        let engine = database.engine
        return try await database.write(publishingTo: events, at: now) { db in
            let sessions = ChatSessionRepository(db, engine: engine)
            guard let previous = try await sessions.findForUpdate(id: id) else {
                throw ChatError.sessionNotFound(id: id)
            }
            try await Self.validateParticipants(
                productID: productID, customerID: customerID, vendorID: vendorID, on: db)
            if let other = try await sessions.find(productID: productID, customerID: customerID, vendorID: vendorID),
                other.id != id
            {
                throw ChatError.sessionExists(existingID: other.id)
            }
            guard
                let updated = try await sessions.update(
                    id: id, productID: productID, customerID: customerID, vendorID: vendorID,
                    lastMessageAt: lastMessageAt, at: now)
            else { throw ChatError.sessionNotFound(id: id) }
            try await AuditLogRepository(db).appendAction(
                .sessionEdited, target: .chatSession, ids: [id],
                summary: AuditSummary.changes([
                    (label: "product", old: "#\(previous.productID)", new: "#\(updated.productID)"),
                    (label: "customer", old: "#\(previous.customerID)", new: "#\(updated.customerID)"),
                    (label: "vendor", old: "#\(previous.vendorID)", new: "#\(updated.vendorID)"),
                    (
                        label: "last message at", old: AuditSummary.time(previous.lastMessageAt),
                        new: AuditSummary.time(updated.lastMessageAt)
                    ),
                ]), at: now)
            return (updated, [.sessionUpdated(updated, previous: previous)])
        }
    }

    /// Deletes sessions with all their messages; ids that do not exist are skipped.
    /// Returns the sessions that were deleted.
    @discardableResult
    public func deleteSessions(ids: [Int64]) async throws -> [ChatSession] {
        let unique = Array(Set(ids)).sorted()
        guard !unique.isEmpty else { return [] }
        let engine = database.engine
        let now = clock()
        return try await database.write(publishingTo: events, at: now) { db in
            let deleted = try await ChatSessionRepository(db, engine: engine).delete(ids: unique)
            try await AuditLogRepository(db).appendAction(
                .sessionsDeleted, target: .chatSession, ids: deleted.map(\.id),
                summary: AuditSummary.counted(deleted.count, "chat session"), at: now)
            return (deleted, deleted.map(ChatEvent.sessionDeleted))
        }
    }

    /// Deletes one session with its messages.
    public func deleteSession(id: Int64) async throws {
        if try await deleteSessions(ids: [id]).isEmpty { throw ChatError.sessionNotFound(id: id) }
    }

    public func findSession(id: Int64) async throws -> ChatSession? {
        try await database.read { db in try await ChatSessionRepository(db, engine: database.engine).find(id: id) }
    }

    /// The session, when `user` may read it (``ChatAccess``).
    ///
    /// - Throws: ``ChatError/sessionNotFound(id:)`` for anyone else's session too, so ids reveal nothing.
    public func session(id: Int64, readBy user: User) async throws -> ChatSession {
        guard let session = try await findSession(id: id), ChatAccess.canRead(session, user) else {
            throw ChatError.sessionNotFound(id: id)
        }
        return session
    }

    /// Refuses `user` writing in a session they can read but take no part in (an administrator's):
    /// ``ChatError/notParticipant(userID:sessionID:)``, or ``ChatError/sessionNotFound(id:)`` when
    /// they cannot read it either.
    private func refuseWriting(sessionID: Int64, by user: User) async throws -> Never {
        _ = try await session(id: sessionID, readBy: user)
        throw ChatError.notParticipant(userID: user.id, sessionID: sessionID)
    }

    // MARK: Messages

    /// Sends a message from one participant to the other.
    ///
    /// The body is trimmed of surrounding white space and must then hold 1 to
    /// ``maximumBodyLength`` characters.
    public func sendMessage(sessionID: Int64, senderID: Int64, body: String) async throws -> ChatMessage {
        try await send(sessionID: sessionID, senderID: senderID, body: body, clientMessageID: nil).message
    }

    /// A message and whether this call created it.
    public struct SentMessage: Sendable, Equatable {
        public var message: ChatMessage
        /// False when the sender had already sent a message under the same client message id.
        public var isNew: Bool
    }

    /// Sends a message, at most once per `clientMessageID` of the sender: sending again with the
    /// same id answers the first message and changes nothing.
    ///
    /// Sends that arrive together are written in one transaction (``MessageSendBatcher``); each
    /// returns once its message is committed and its event published.
    ///
    /// - Throws: ``ServiceShuttingDown`` once the server has begun to stop.
    public func send(
        sessionID: Int64, senderID: Int64, body: String, clientMessageID: String?
    ) async throws
        -> SentMessage
    {
        let text = try Self.validatedBody(body)
        if let clientMessageID,
            clientMessageID.isEmpty || clientMessageID.unicodeScalars.count > Self.maximumClientMessageIDLength
                || clientMessageID.unicodeScalars.contains(where: MessageText.isRefusedControl)
        {
            throw ChatError.invalidClientMessageID(limit: Self.maximumClientMessageIDLength)
        }
        // Detection runs here, outside the batch's transaction and its locks.
        let hidden = ContactDetailDetector().redacted(text)
        return try await sendQueue.submit(
            .init(
                sessionID: sessionID, senderID: senderID, body: text, clientMessageID: clientMessageID,
                hiddenBody: hidden == text ? nil : hidden, audit: AuditContext.current))
    }

    /// Sends as `sender`, who must take part in the session (``ChatAccess``): someone else's session
    /// answers ``ChatError/sessionNotFound(id:)``, as one that does not exist; one the sender reads
    /// without taking part in (an administrator) answers ``ChatError/notParticipant(userID:sessionID:)``.
    public func send(
        sessionID: Int64, by sender: User, body: String, clientMessageID: String?
    ) async throws -> SentMessage {
        guard ChatAccess.writesInConversations(sender) else {
            try await refuseWriting(sessionID: sessionID, by: sender)
        }
        do {
            // The send checks, inside its transaction, that the sender takes part; no read first.
            return try await send(
                sessionID: sessionID, senderID: sender.id, body: body, clientMessageID: clientMessageID)
        } catch ChatError.notParticipant {
            throw ChatError.sessionNotFound(id: sessionID)
        }
    }

    /// How this service's sends were grouped into transactions.
    public var sendStatistics: SendStatistics { sendQueue.statistics }

    /// Marks read what the other participant sent to `readerID`, up to `upToMessageID` when given.
    /// Returns how many messages changed from unread to read.
    @discardableResult
    public func markRead(sessionID: Int64, readerID: Int64, upToMessageID: Int64? = nil) async throws -> Int64 {
        let now = clock()
        let engine = database.engine
        return try await database.write(publishingTo: events, at: now) { db -> (Int64, [ChatEvent]) in
            let sessions = ChatSessionRepository(db, engine: engine)
            guard let session = try await sessions.findForUpdate(id: sessionID) else {
                throw ChatError.sessionNotFound(id: sessionID)
            }
            guard let reader = session.role(of: readerID) else {
                throw ChatError.notParticipant(userID: readerID, sessionID: sessionID)
            }
            let changed = try await ChatMessageRepository(db).markRead(
                sessionID: sessionID, reader: reader, upTo: upToMessageID, at: now)
            guard !changed.isEmpty else { return (0, []) }
            let count = Int64(changed.count)
            guard
                let updated = try await sessions.recordRead(sessionID: sessionID, reader: reader, count: count, at: now)
            else { return (count, []) }
            return (
                count, [.messagesRead(session: updated, readerID: readerID, count: count, upToMessageID: upToMessageID)]
            )
        }
    }

    /// A read receipt from `reader`, under the same rules as ``send(sessionID:by:body:clientMessageID:)``.
    @discardableResult
    public func markRead(sessionID: Int64, by reader: User, upToMessageID: Int64? = nil) async throws -> Int64 {
        guard ChatAccess.writesInConversations(reader) else {
            try await refuseWriting(sessionID: sessionID, by: reader)
        }
        do {
            return try await markRead(sessionID: sessionID, readerID: reader.id, upToMessageID: upToMessageID)
        } catch ChatError.notParticipant {
            throw ChatError.sessionNotFound(id: sessionID)
        }
    }

    /// Marks every message of the given sessions read, as an administrator does in bulk.
    /// Returns how many messages changed.
    @discardableResult
    public func markAllRead(sessionIDs: [Int64]) async throws -> Int64 {
        let unique = Array(Set(sessionIDs)).sorted()
        guard !unique.isEmpty else { return 0 }
        let now = clock()
        let engine = database.engine
        return try await database.write(publishingTo: events, at: now) { db in
            let counts = try await ChatMessageRepository(db).markAllRead(sessionIDs: unique, at: now)
            let changedIDs = counts.keys.sorted()
            let sessions = try await ChatSessionRepository(db, engine: engine).clearUnread(
                sessionIDs: changedIDs, at: now)
            let changed = counts.values.reduce(0, +)
            let messages = AuditSummary.counted(Int(changed), "message")
            try await AuditLogRepository(db).appendAction(
                .messagesMarkedRead, target: .chatSession, ids: unique,
                summary: unique.count == 1
                    ? "\(messages), all of the chat session" : "\(messages) in every selected chat session",
                at: now)
            return (
                changed,
                sessions.map { session in
                    .messagesRead(session: session, readerID: nil, count: counts[session.id] ?? 0, upToMessageID: nil)
                }
            )
        }
    }

    /// Marks the given messages of one session read, as an administrator does from the messages
    /// table. Ids of other sessions' messages are ignored. Returns how many changed.
    @discardableResult
    public func markMessagesRead(sessionID: Int64, messageIDs: [Int64]) async throws -> Int64 {
        let unique = Array(Set(messageIDs)).sorted()
        guard !unique.isEmpty else { return 0 }
        let now = clock()
        let engine = database.engine
        return try await database.write(publishingTo: events, at: now) { db -> (Int64, [ChatEvent]) in
            let sessions = ChatSessionRepository(db, engine: engine)
            guard try await sessions.findForUpdate(id: sessionID) != nil else {
                throw ChatError.sessionNotFound(id: sessionID)
            }
            let readers = try await ChatMessageRepository(db).markRead(
                sessionID: sessionID, messageIDs: unique, at: now)
            var updated: ChatSession?
            for reader in ParticipantRole.allCases {
                let count = Int64(readers.filter { $0 == reader }.count)
                if count > 0 {
                    updated = try await sessions.recordRead(sessionID: sessionID, reader: reader, count: count, at: now)
                }
            }
            let count = Int64(readers.count)
            try await AuditLogRepository(db).appendAction(
                .messagesMarkedRead, target: .chatMessage, ids: unique,
                summary: "\(AuditSummary.counted(readers.count, "message")) in chat session #\(sessionID)", at: now)
            guard let updated else { return (count, []) }
            return (count, [.messagesRead(session: updated, readerID: nil, count: count, upToMessageID: nil)])
        }
    }

    /// Deletes one message from a session, taking it off the session's counters.
    public func deleteMessage(id: Int64, sessionID: Int64) async throws {
        let now = clock()
        let engine = database.engine
        try await database.write(publishingTo: events, at: now) { db in
            let event = try await Self.deleteMessage(id: id, sessionID: sessionID, at: now, engine: engine, on: db)
            try await AuditLogRepository(db).appendAction(
                .messageDeleted, target: .chatMessage, ids: [id], summary: "from chat session #\(sessionID)", at: now)
            return ((), [event])
        }
    }

    /// Deletes a message inside the caller's transaction and returns its event.
    static func deleteMessage(
        id: Int64, sessionID: Int64, at now: Date, engine: DatabaseEngine, on db: any SQLDatabase
    ) async throws -> ChatEvent {
        let sessions = ChatSessionRepository(db, engine: engine)
        guard try await sessions.findForUpdate(id: sessionID) != nil else {
            throw ChatError.sessionNotFound(id: sessionID)
        }
        let messages = ChatMessageRepository(db)
        guard let message = try await messages.find(id: id), message.sessionID == sessionID else {
            throw ChatError.messageNotFound(id: id)
        }
        try await messages.delete(id: id)
        guard let updated = try await sessions.recordDeletion(of: message, at: now) else {
            throw ChatError.sessionNotFound(id: sessionID)
        }
        return .messageDeleted(messageID: id, session: updated)
    }

    /// Writes a moderator's warning into a conversation, addressed to `recipient`'s side: it counts
    /// as unread for them and reaches them like any message, flagged ``MessageFlag/system``.
    static func writeWarning(
        _ text: String, to recipient: ParticipantRole, sessionID: Int64, moderatorID: Int64, at now: Date,
        engine: DatabaseEngine, on db: any SQLDatabase
    ) async throws -> ChatEvent {
        let sessions = ChatSessionRepository(db, engine: engine)
        guard let session = try await sessions.findForUpdate(id: sessionID) else {
            throw ChatError.sessionNotFound(id: sessionID)
        }
        let message = NewChatMessage(
            sessionID: sessionID, senderID: moderatorID, senderRole: recipient.counterpart, body: text,
            clientMessageID: nil, flags: [.system])
        let inserted = try await ChatMessageRepository(db).insert([message], sentAt: now, engine: engine)
        let updated = session.recording(inserted, at: now)
        try await db.raw(sessions.storingCounters(of: [updated])).run()
        guard let written = inserted.first else { throw ChatError.sessionNotFound(id: sessionID) }
        return .messageCreated(written, session: updated)
    }

    // MARK: Validation

    static func validatedBody(_ body: String) throws -> String {
        try MessageText.validated(body, limit: maximumBodyLength)
    }

    private static func validateParticipants(
        productID: Int64, customerID: Int64, vendorID: Int64, on db: any SQLDatabase
    ) async throws {
        guard try await ProductRepository(db).find(id: productID) != nil else {
            throw ChatError.productNotFound(id: productID)
        }
        let users = UserRepository(db)
        guard try await users.find(id: customerID) != nil else {
            throw ChatError.userNotFound(id: customerID, field: "customer_id")
        }
        guard try await users.find(id: vendorID) != nil else {
            throw ChatError.userNotFound(id: vendorID, field: "vendor_id")
        }
        guard customerID != vendorID else { throw ChatError.sameCustomerAndVendor }
    }
}
