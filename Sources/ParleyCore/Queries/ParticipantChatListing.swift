import Foundation
import SQLKit

/// A conversation as its participant sees it in their list.
public struct ParticipantChatSummary: Sendable, Equatable {
    public var session: ChatSession
    public var productName: String
    public var customerName: String
    public var vendorName: String
    public var lastMessage: ChatMessage?
    /// Whether the user reading the list muted this conversation.
    public var isMuted: Bool = false
    /// Whether the reader blocked the other participant, and the other way round.
    public var isBlockedByReader = false
    public var isBlockedByOther = false
}

/// The position after which the next page of a participant's conversations starts.
public struct ChatListCursor: Sendable, Equatable {
    public var lastMessageAt: Int64?
    public var id: Int64

    /// An opaque token: "t.id", or "-.id" when the session has no message yet.
    public var token: String { "\(lastMessageAt.map(String.init) ?? "-").\(id)" }

    public init(lastMessageAt: Int64?, id: Int64) {
        self.lastMessageAt = lastMessageAt
        self.id = id
    }

    /// Parses a token as ``token`` writes it and nothing else: 1 to 18 ASCII digits on each side
    /// (no sign), as the OpenAPI document's pattern says.
    public init?(token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let id = Self.number(parts[1]) else { return nil }
        if parts[0] == "-" {
            lastMessageAt = nil
        } else if let time = Self.number(parts[0]) {
            lastMessageAt = time
        } else {
            return nil
        }
        self.id = id
    }

    private static func number(_ text: Substring) -> Int64? {
        guard (1...18).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return nil
        }
        return Int64(text)
    }
}

/// Reads the conversations a user may read (``ChatAccess``), newest activity first, a page at a time:
/// those they take part in, or every one for an administrator.
public struct ParticipantChatListing: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Up to `limit` sessions after `cursor`, and the cursor for the page after them when there is one.
    ///
    /// A participant's customer and vendor sides are read separately, each through its own index
    /// (chat_sessions_customer_idx, chat_sessions_vendor_idx) in order, and merged; every session
    /// is read through chat_sessions_last_message_idx.
    public func page(
        for user: User, limit: Int, after cursor: ChatListCursor?
    ) async throws
        -> (items: [ParticipantChatSummary], next: ChatListCursor?)
    {
        let limit = max(1, min(limit, 100))
        let columns = ChatSession.columns
        let sides: [SQLQueryString] =
            ChatAccess.readsEverySession(user)
            ? ["TRUE"] : ["customer_id = \(bind: user.id)", "vendor_id = \(bind: user.id)"]
        return try await database.read { db in
            var sessions: [ChatSession] = []
            for side in sides {
                let keyset = Self.keyset(after: cursor)
                sessions += try await db.raw(
                    "SELECT \(unsafeRaw: columns) FROM chat_sessions WHERE " + side + keyset
                        + " ORDER BY last_message_at DESC NULLS LAST, id DESC LIMIT \(bind: limit + 1)"
                ).all().map(ChatSession.init(row:))
            }
            sessions.sort(by: Self.newestFirst)
            let page = Array(sessions.prefix(limit))
            let next =
                sessions.count > limit
                ? page.last.map { ChatListCursor(lastMessageAt: $0.lastMessageAt?.epochMilliseconds, id: $0.id) } : nil
            return (try await Self.summaries(page, readBy: user, on: db), next)
        }
    }

    /// One session as the list shows it, or nil when it does not exist or `user` may not read it.
    public func summary(sessionID: Int64, readBy user: User) async throws -> ParticipantChatSummary? {
        try await database.read { db in
            guard let session = try await ChatSessionRepository(db, engine: database.engine).find(id: sessionID),
                ChatAccess.canRead(session, user)
            else {
                return nil
            }
            return try await Self.summaries([session], readBy: user, on: db).first
        }
    }

    static func newestFirst(_ a: ChatSession, _ b: ChatSession) -> Bool {
        switch (a.lastMessageAt, b.lastMessageAt) {
        case (let x?, let y?) where x != y: x > y
        case (.some, nil): true
        case (nil, .some): false
        default: a.id > b.id
        }
    }

    /// Rows after the cursor in the order last_message_at DESC NULLS LAST, id DESC.
    static func keyset(after cursor: ChatListCursor?) -> SQLQueryString {
        guard let cursor else { return "" }
        if let time = cursor.lastMessageAt {
            return
                " AND (last_message_at < \(bind: time) OR (last_message_at = \(bind: time) AND id < \(bind: cursor.id))"
                + " OR last_message_at IS NULL)"
        }
        return " AND last_message_at IS NULL AND id < \(bind: cursor.id)"
    }

    /// Names, each session's newest message and whether `user` muted it, in four statements for the whole page.
    static func summaries(
        _ sessions: [ChatSession], readBy user: User, on db: any SQLDatabase
    ) async throws
        -> [ParticipantChatSummary]
    {
        guard !sessions.isEmpty else { return [] }
        let userIDs = Array(Set(sessions.flatMap { [$0.customerID, $0.vendorID] }))
        let productIDs = Array(Set(sessions.map(\.productID)))
        var users: [Int64: String] = [:]
        for row in try await db.raw("SELECT id, name FROM users WHERE id IN (\(binds: userIDs))").all() {
            users[try row.int64("id")] = try row.string("name")
        }
        var products: [Int64: String] = [:]
        for row in try await db.raw("SELECT id, name FROM products WHERE id IN (\(binds: productIDs))").all() {
            products[try row.int64("id")] = try row.string("name")
        }
        var latest: [Int64: ChatMessage] = [:]
        let sessionIDs = sessions.map(\.id)
        let rows = try await db.raw(
            """
            SELECT \(unsafeRaw: ChatMessage.columns) FROM chat_messages WHERE id IN (
                SELECT MAX(id) FROM chat_messages WHERE chat_session_id IN (\(binds: sessionIDs))
                GROUP BY chat_session_id)
            """
        ).all()
        for row in rows {
            let message = try ChatMessage(row: row)
            latest[message.sessionID] = message
        }
        let muted = try await ChatSessionMuteRepository(db).muted(among: sessionIDs, by: user.id)
        let blocks = try await UserBlockRepository(db).blocks(involving: user.id, among: userIDs)
        return sessions.map { session in
            let other = session.customerID == user.id ? session.vendorID : session.customerID
            let takesPart = session.role(of: user.id) != nil
            return ParticipantChatSummary(
                session: session, productName: products[session.productID] ?? "",
                customerName: users[session.customerID] ?? "", vendorName: users[session.vendorID] ?? "",
                lastMessage: latest[session.id], isMuted: muted.contains(session.id),
                isBlockedByReader: takesPart && blocks.blocked.contains(other),
                isBlockedByOther: takesPart && blocks.blockedBy.contains(other))
        }
    }
}
