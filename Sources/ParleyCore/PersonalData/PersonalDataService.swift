import Foundation
import SQLKit

/// Everything Parley holds about one user, exported as JSON or erased.
///
/// Erasing keeps the account's row, its conversations, their counters and the other side's
/// messages, so nobody else's history changes: the name becomes ``erasedName``, the email a
/// placeholder no mail reaches, the password a value no password matches, the text of every
/// message they sent ``redactedBody``; their tokens, browser sessions, devices, mutes and pending
/// reminders go. Each export or erasure is recorded in the audit log with whoever asked.
public struct PersonalDataService: Sendable {
    public static let erasedName = "Deleted user"
    public static let redactedBody = "[message erased]"
    /// Never a bcrypt hash, so no password verifies against it.
    static let erasedPasswordHash = "!erased"

    let database: Database
    /// Hears that the account changed, so that every instance forgets its tokens and closes its sockets.
    let events: any ChatEventBus
    let clock: @Sendable () -> Date

    public init(
        database: Database, events: (any ChatEventBus)? = nil, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.events = events ?? database.makeEventBus()
        self.clock = clock
    }

    /// The placeholder email of an erased account: unique, and in a domain that cannot exist.
    public static func erasedEmail(userID: Int64) -> String {
        "deleted-\(userID)@erased.invalid"
    }

    /// A JSON document of everything held about the user. Password and token hashes, push tokens
    /// and other people's details are left out. Recorded in the audit log as `actor`'s.
    public func export(userID: Int64, by actor: AuditActor, clientAddress: String = "") async throws -> Data {
        let document = try await database.read { db in try await Self.document(userID: userID, on: db) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(document)
        try await database.write { db in
            try await AuditLogRepository(db).append(
                AuditRecord(
                    actor: actor, action: .userExported, target: .user, targetIDs: [userID],
                    summary: "personal data of user #\(userID) exported", clientAddress: clientAddress),
                at: clock())
        }
        return data
    }

    /// Erases the user's personal data in one transaction with its audit entry. Refuses the
    /// account `actor` is signed in with and the last administrator who has not been erased.
    @discardableResult
    public func erase(
        userID: Int64, by actor: AuditActor, clientAddress: String = ""
    ) async throws
        -> PersonalDataErasure
    {
        let now = clock()
        return try await database.write(publishingTo: events, at: now) { db in
            guard let user = try await UserRepository(db).find(id: userID) else {
                throw PersonalDataError.userNotFound(id: userID)
            }
            let row = try await db.raw("SELECT erased_at FROM users WHERE id = \(bind: userID)").first()
            if try row?.decode(column: "erased_at", as: Int64?.self) != nil {
                throw PersonalDataError.alreadyErased(id: userID)
            }
            if actor.id == userID { throw PersonalDataError.cannotEraseYourself }
            if user.role == .admin {
                let others = try await db.raw(
                    """
                    SELECT COUNT(*) AS n FROM users
                    WHERE role = 'admin' AND erased_at IS NULL AND id <> \(bind: userID)
                    """
                ).first()?.int64("n")
                if (others ?? 0) == 0 { throw PersonalDataError.lastAdministrator }
            }
            let redacted = Int(
                try await db.raw("SELECT COUNT(*) AS n FROM chat_messages WHERE sender_id = \(bind: userID)")
                    .first()?.int64("n") ?? 0)
            let stamp = now.epochMilliseconds
            try await db.raw(
                """
                UPDATE users SET name = \(bind: Self.erasedName), name_key = \(bind: SearchKey.fold(Self.erasedName)),
                    email = \(bind: Self.erasedEmail(userID: userID)), password_hash = \(bind: Self.erasedPasswordHash),
                    email_reminders = 0, erased_at = \(bind: stamp), updated_at = \(bind: stamp)
                WHERE id = \(bind: userID)
                """
            ).run()
            // The counters of their sessions stay: a redacted message is still a message.
            try await db.raw(
                """
                UPDATE chat_messages SET body = \(bind: Self.redactedBody), original_body = NULL,
                    client_message_id = NULL
                WHERE sender_id = \(bind: userID)
                """
            ).run()
            // Their reports' notes are their words; the cases stay for the moderators' record.
            try await db.raw("UPDATE moderation_cases SET note = NULL WHERE reporter_id = \(bind: userID)").run()
            try await db.raw("DELETE FROM user_blocks WHERE blocker_id = \(bind: userID)").run()
            for table in ["api_tokens", "web_sessions", "devices", "chat_session_mutes", "unread_reminders"] {
                try await db.raw("DELETE FROM \(ident: table) WHERE user_id = \(bind: userID)").run()
            }
            try await db.raw("DELETE FROM sign_in_failures WHERE lower(email) = lower(\(bind: user.email))").run()
            try await AuditLogRepository(db).append(
                AuditRecord(
                    actor: actor, action: .userErased, target: .user, targetIDs: [userID],
                    summary: "personal data of user #\(userID) (\(user.role.rawValue)) erased; "
                        + "\(redacted) sent messages redacted",
                    clientAddress: clientAddress),
                at: now)
            return (PersonalDataErasure(userID: userID, messagesRedacted: redacted), [.accessChanged(userID: userID)])
        }
    }

    static func document(userID: Int64, on db: any SQLDatabase) async throws -> PersonalDataValue {
        func rows(_ sql: SQLQueryString, _ columns: [PersonalDataColumn]) async throws -> PersonalDataValue {
            .array(try await db.raw(sql).all().map { try PersonalDataColumn.object($0, columns) })
        }
        let userColumns: [PersonalDataColumn] = [
            .init("id", .integer), .init("name", .text), .init("email", .text), .init("role", .text),
            .init("email_reminders", .flag), .init("created_at", .time), .init("updated_at", .time),
            .init("erased_at", .time), .init("banned_at", .time),
        ]
        guard
            let userRow = try await db.raw(
                "SELECT \(idents: userColumns.map(\.name), joinedBy: ", ") FROM users WHERE id = \(bind: userID)"
            ).first()
        else { throw PersonalDataError.userNotFound(id: userID) }
        let email = try userRow.string("email")
        return .object([
            "format": .text("parley.personal-data.v1"),
            "exported_at": .text(Date().formatted(.iso8601)),
            "user": try PersonalDataColumn.object(userRow, userColumns),
            "products": try await rows(
                "SELECT id, name, created_at, updated_at FROM products WHERE vendor_id = \(bind: userID) ORDER BY id",
                [.init("id", .integer), .init("name", .text), .init("created_at", .time), .init("updated_at", .time)]),
            "chat_sessions": try await rows(
                """
                SELECT id, product_id,
                    CASE WHEN customer_id = \(bind: userID) THEN 'customer' ELSE 'vendor' END AS side, last_message_at,
                    messages_count, customer_unread_count, vendor_unread_count, created_at, updated_at
                FROM chat_sessions WHERE customer_id = \(bind: userID) OR vendor_id = \(bind: userID) ORDER BY id
                """,
                [
                    .init("id", .integer), .init("product_id", .integer), .init("side", .text),
                    .init("last_message_at", .time), .init("messages_count", .integer),
                    .init("customer_unread_count", .integer), .init("vendor_unread_count", .integer),
                    .init("created_at", .time), .init("updated_at", .time),
                ]),
            "messages_sent": try await rows(
                """
                SELECT id, chat_session_id, sender_role, body, original_body, flags, client_message_id, read_at,
                    created_at
                FROM chat_messages WHERE sender_id = \(bind: userID) ORDER BY id
                """,
                [
                    .init("id", .integer), .init("chat_session_id", .integer), .init("sender_role", .text),
                    .init("body", .text), .init("original_body", .text), .init("flags", .text),
                    .init("client_message_id", .text), .init("read_at", .time), .init("created_at", .time),
                ]),
            "blocked_users": try await rows(
                """
                SELECT blocked_id, created_at FROM user_blocks WHERE blocker_id = \(bind: userID)
                ORDER BY blocked_id
                """,
                [.init("blocked_id", .integer), .init("created_at", .time)]),
            "reports_made": try await rows(
                """
                SELECT id, chat_session_id, message_id, reason, note, state, created_at FROM moderation_cases
                WHERE reporter_id = \(bind: userID) ORDER BY id
                """,
                [
                    .init("id", .integer), .init("chat_session_id", .integer), .init("message_id", .integer),
                    .init("reason", .text), .init("note", .text), .init("state", .text), .init("created_at", .time),
                ]),
            "devices": try await rows(
                "SELECT id, platform, created_at, updated_at FROM devices WHERE user_id = \(bind: userID) ORDER BY id",
                [
                    .init("id", .integer), .init("platform", .text), .init("created_at", .time),
                    .init("updated_at", .time),
                ]),
            "muted_chat_sessions": try await rows(
                """
                SELECT chat_session_id, created_at FROM chat_session_mutes WHERE user_id = \(bind: userID)
                ORDER BY chat_session_id
                """,
                [.init("chat_session_id", .integer), .init("created_at", .time)]),
            "unread_reminders": try await rows(
                """
                SELECT chat_session_id, due_at, last_sent_at, attempts FROM unread_reminders
                WHERE user_id = \(bind: userID) ORDER BY chat_session_id
                """,
                [
                    .init("chat_session_id", .integer), .init("due_at", .time), .init("last_sent_at", .time),
                    .init("attempts", .integer),
                ]),
            "api_tokens": try await rows(
                """
                SELECT created_at, last_used_at FROM api_tokens WHERE user_id = \(bind: userID)
                ORDER BY created_at
                """,
                [.init("created_at", .time), .init("last_used_at", .time)]),
            "admin_sessions": try await rows(
                """
                SELECT created_at, expires_at FROM web_sessions WHERE user_id = \(bind: userID)
                ORDER BY created_at
                """,
                [.init("created_at", .time), .init("expires_at", .time)]),
            "failed_sign_ins": try await rows(
                """
                SELECT client, failed_at FROM sign_in_failures WHERE lower(email) = lower(\(bind: email))
                ORDER BY failed_at
                """,
                [.init("client", .text), .init("failed_at", .time)]),
            "audit_log_entries_as_actor": try await rows(
                """
                SELECT id, created_at, action, target_type, target_ids, summary, client_address FROM audit_log
                WHERE actor_id = \(bind: userID) ORDER BY id
                """,
                [
                    .init("id", .integer), .init("created_at", .time), .init("action", .text),
                    .init("target_type", .text), .init("target_ids", .text), .init("summary", .text),
                    .init("client_address", .text),
                ]),
        ])
    }
}
