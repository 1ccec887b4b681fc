import Foundation
import SQLKit

/// A phone or browser a user registered for push notifications, by the token its push service
/// gave it. A token belongs to one user at a time.
public struct Device: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var userID: Int64
    public var platform: DevicePlatform
    public var token: String
    /// When the current user first registered it.
    public var createdAt: Date
    /// When the current user last registered it; the oldest goes first past the cap.
    public var updatedAt: Date

    static let columns = "id, user_id, platform, token, created_at, updated_at"

    init(row: any SQLRow) throws {
        id = try row.int64("id")
        userID = try row.int64("user_id")
        let name = try row.string("platform")
        guard let platform = DevicePlatform(rawValue: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown platform \(name)"))
        }
        self.platform = platform
        token = try row.string("token")
        createdAt = try row.date("created_at")
        updatedAt = try row.date("updated_at")
    }
}

/// The push services a device can be reached through.
public enum DevicePlatform: String, Sendable, Codable, CaseIterable {
    case ios
    case android
    case web
}
