import Foundation
import SQLKit

/// Reads and writes `chat_session_mutes`: the conversations each user asked not to be reminded of.
public struct ChatSessionMuteRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// Mutes the session for the user; muting it again changes nothing.
    func mute(sessionID: Int64, userID: Int64, at now: Date) async throws {
        try await db.raw(
            """
            INSERT INTO chat_session_mutes (chat_session_id, user_id, created_at)
            VALUES (\(bind: sessionID), \(bind: userID), \(bind: now.epochMilliseconds))
            ON CONFLICT (chat_session_id, user_id) DO NOTHING
            """
        ).run()
    }

    func unmute(sessionID: Int64, userID: Int64) async throws {
        try await db.raw(
            "DELETE FROM chat_session_mutes WHERE chat_session_id = \(bind: sessionID) AND user_id = \(bind: userID)"
        ).run()
    }

    /// Which of `sessionIDs` the user muted, in one query (the primary key's index).
    public func muted(among sessionIDs: [Int64], by userID: Int64) async throws -> Set<Int64> {
        guard !sessionIDs.isEmpty else { return [] }
        let rows = try await db.raw(
            """
            SELECT chat_session_id FROM chat_session_mutes
            WHERE user_id = \(bind: userID) AND chat_session_id IN (\(binds: sessionIDs))
            """
        ).all()
        return Set(try rows.map { try $0.int64("chat_session_id") })
    }

    public func isMuted(sessionID: Int64, by userID: Int64) async throws -> Bool {
        try await muted(among: [sessionID], by: userID).contains(sessionID)
    }
}
