import Foundation
import SQLKit

/// Reads and writes `devices`. The rules (validation, the cap per user) are ``DeviceService``'s.
public struct DeviceRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// The devices of each of `userIDs` that has any, each user's newest registration first, in one
    /// query (index devices_user_idx). Users without devices are absent from the answer.
    public func tokens(forUserIDs userIDs: [Int64]) async throws -> [Int64: [Device]] {
        let ids = Array(Set(userIDs))
        guard !ids.isEmpty else { return [:] }
        let rows = try await db.raw(
            """
            SELECT \(unsafeRaw: Device.columns) FROM devices WHERE user_id IN (\(binds: ids))
            ORDER BY user_id, updated_at DESC, id DESC
            """
        ).all()
        var devices: [Int64: [Device]] = [:]
        for row in rows {
            let device = try Device(row: row)
            devices[device.userID, default: []].append(device)
        }
        return devices
    }

    /// A user's devices, the most recently registered first.
    public func list(userID: Int64) async throws -> [Device] {
        try await db.raw(
            """
            SELECT \(unsafeRaw: Device.columns) FROM devices WHERE user_id = \(bind: userID)
            ORDER BY updated_at DESC, id DESC
            """
        ).all().map(Device.init(row:))
    }

    public func find(token: String) async throws -> Device? {
        try await db.raw("SELECT \(unsafeRaw: Device.columns) FROM devices WHERE token = \(bind: token)")
            .first().map(Device.init(row:))
    }

    /// Gives `token` to `userID` as registered now: a new row, or the existing one taken over (from
    /// another user, restarting its `created_at`) or refreshed (the same user's, keeping it).
    func upsert(
        token: String, platform: DevicePlatform, userID: Int64, at now: Date
    ) async throws
        -> Device
    {
        let stamp = now.epochMilliseconds
        let row = try await db.raw(
            """
            INSERT INTO devices (user_id, platform, token, created_at, updated_at)
            VALUES (\(bind: userID), \(bind: platform.rawValue), \(bind: token), \(bind: stamp), \(bind: stamp))
            ON CONFLICT (token) DO UPDATE SET
                created_at = CASE WHEN devices.user_id = excluded.user_id THEN devices.created_at
                    ELSE excluded.created_at END,
                user_id = excluded.user_id, platform = excluded.platform, updated_at = excluded.updated_at
            RETURNING \(unsafeRaw: Device.columns)
            """
        ).first()
        guard let row else { throw DatabaseUnavailable(description: "INSERT … RETURNING gave no row") }
        return try Device(row: row)
    }

    /// Deletes the user's devices beyond the `keeping` most recently registered; returns how many.
    @discardableResult
    func trim(userID: Int64, keeping limit: Int) async throws -> Int {
        try await db.raw(
            """
            DELETE FROM devices WHERE user_id = \(bind: userID) AND id NOT IN (
                SELECT id FROM devices WHERE user_id = \(bind: userID) ORDER BY updated_at DESC, id DESC
                LIMIT \(bind: limit))
            RETURNING id
            """
        ).all().count
    }

    /// Deletes `token` if it is one of the user's devices; answers whether it was.
    func delete(token: String, userID: Int64) async throws -> Bool {
        try await db.raw(
            "DELETE FROM devices WHERE token = \(bind: token) AND user_id = \(bind: userID) RETURNING id"
        ).first() != nil
    }
}
