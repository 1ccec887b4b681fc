import Foundation
import SQLKit

/// A case as the moderation queue lists it: with the names it mentions and the message it is
/// about, as written.
public struct ModerationQueueItem: Sendable, Equatable {
    public var moderationCase: ModerationCase
    public var productName: String
    public var reporterName: String?
    public var reportedUserName: String?
    public var reportedUserBanned: Bool
    public var message: ChatMessage?
    public var messageSenderName: String?
    /// How many of its conversation's messages come before the message: where the admin panel shows it.
    public var messagePosition: Int?

    init(
        moderationCase: ModerationCase, productName: String, reporterName: String?, reportedUserName: String?,
        reportedUserBanned: Bool
    ) {
        self.moderationCase = moderationCase
        self.productName = productName
        self.reporterName = reporterName
        self.reportedUserName = reportedUserName
        self.reportedUserBanned = reportedUserBanned
    }
}

/// Reads the moderation queue, newest first, filtered by state and reason.
public struct ModerationQueue: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// One page of cases and how many match (moderation_cases_state_idx when a state is given).
    public func page(
        state: ModerationCaseState?, reason: ModerationReason?, page: Int, perPage: Int
    ) async throws -> (items: [ModerationQueueItem], total: Int) {
        var condition = SQLQueryString("1 = 1")
        if let state { condition = condition + " AND c.state = \(bind: state.rawValue)" }
        if let reason { condition = condition + " AND c.reason = \(bind: reason.rawValue)" }
        let offset = max(0, page - 1) * perPage
        return try await database.read { db in
            let total =
                try await db.raw("SELECT COUNT(*) AS n FROM moderation_cases c WHERE " + condition)
                .first()?.int64("n") ?? 0
            let caseColumns = ModerationCase.columns.split(separator: ",")
                .map { "c." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")
            let rows = try await db.raw(
                """
                SELECT \(unsafeRaw: caseColumns), p.name AS product_name, ru.name AS reporter_name,
                    tu.name AS reported_name, tu.banned_at AS reported_banned_at
                FROM moderation_cases c
                JOIN chat_sessions s ON s.id = c.chat_session_id
                JOIN products p ON p.id = s.product_id
                LEFT JOIN users ru ON ru.id = c.reporter_id
                LEFT JOIN users tu ON tu.id = c.reported_user_id
                WHERE
                """ + " " + condition + " ORDER BY c.id DESC LIMIT \(bind: perPage) OFFSET \(bind: offset)"
            ).all()
            var items: [ModerationQueueItem] = try rows.map { row in
                ModerationQueueItem(
                    moderationCase: try ModerationCase(row: row), productName: try row.string("product_name"),
                    reporterName: try row.decode(column: "reporter_name", as: String?.self),
                    reportedUserName: try row.decode(column: "reported_name", as: String?.self),
                    reportedUserBanned: try row.decode(column: "reported_banned_at", as: Int64?.self) != nil)
            }
            let messageIDs = items.compactMap(\.moderationCase.messageID)
            if !messageIDs.isEmpty {
                var messages: [Int64: (ChatMessage, String, Int)] = [:]
                for row in try await db.raw(
                    """
                    SELECT \(unsafeRaw: ChatMessage.columnsOfM), u.name AS sender_name,
                        (SELECT COUNT(*) FROM chat_messages e
                         WHERE e.chat_session_id = m.chat_session_id AND e.id < m.id) AS position
                    FROM chat_messages m JOIN users u ON u.id = m.sender_id WHERE m.id IN (\(binds: messageIDs))
                    """
                ).all() {
                    let message = try ChatMessage(row: row)
                    messages[message.id] = (message, try row.string("sender_name"), Int(try row.int64("position")))
                }
                for index in items.indices {
                    guard let id = items[index].moderationCase.messageID, let found = messages[id] else { continue }
                    (items[index].message, items[index].messageSenderName, items[index].messagePosition) = found
                }
            }
            return (items, Int(total))
        }
    }
}
