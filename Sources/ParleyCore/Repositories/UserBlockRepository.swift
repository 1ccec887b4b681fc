import Foundation
import SQLKit

/// Who blocked whom (`user_blocks`). The send path reads blocks with its lock
/// (``ChatSessionRepository``); this writes them and answers a reader's list.
public struct UserBlockRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// Records that `blockerID` blocked `blockedID`; blocking again changes nothing.
    func insert(blockerID: Int64, blockedID: Int64, at now: Date) async throws {
        try await db.raw(
            """
            INSERT INTO user_blocks (blocker_id, blocked_id, created_at)
            VALUES (\(bind: blockerID), \(bind: blockedID), \(bind: now.epochMilliseconds))
            ON CONFLICT (blocker_id, blocked_id) DO NOTHING
            """
        ).run()
    }

    func delete(blockerID: Int64, blockedID: Int64) async throws {
        try await db.raw(
            "DELETE FROM user_blocks WHERE blocker_id = \(bind: blockerID) AND blocked_id = \(bind: blockedID)"
        ).run()
    }

    /// Among `others`, whom `userID` blocked and who blocked `userID` (the primary key, and
    /// user_blocks_blocked_idx).
    func blocks(
        involving userID: Int64, among others: [Int64]
    ) async throws -> (
        blocked: Set<Int64>, blockedBy: Set<Int64>
    ) {
        guard !others.isEmpty else { return ([], []) }
        var blocked: Set<Int64> = []
        var blockedBy: Set<Int64> = []
        let rows = try await db.raw(
            """
            SELECT blocker_id, blocked_id FROM user_blocks
            WHERE (blocker_id = \(bind: userID) AND blocked_id IN (\(binds: others)))
                OR (blocked_id = \(bind: userID) AND blocker_id IN (\(binds: others)))
            """
        ).all()
        for row in rows {
            let (blocker, target) = (try row.int64("blocker_id"), try row.int64("blocked_id"))
            if blocker == userID { blocked.insert(target) } else { blockedBy.insert(blocker) }
        }
        return (blocked, blockedBy)
    }
}
