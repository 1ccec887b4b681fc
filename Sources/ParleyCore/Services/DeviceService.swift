import Foundation
import SQLKit

/// The devices users register to be reached by push.
///
/// A token belongs to whoever registered it last (phones change hands), and each user keeps at
/// most ``maximumDevicesPerUser``: one more drops their least recently registered device. Signing
/// out or revoking an API token leaves devices alone; only removing one (or the user) does.
public struct DeviceService: Sendable {
    public static let maximumDevicesPerUser = 20
    /// The longest token, in characters (all ASCII): long enough for a web push subscription.
    public static let maximumTokenLength = 4_096

    let database: Database
    let clock: @Sendable () -> Date

    public init(database: Database, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.clock = clock
    }

    /// A device and whether its user registered it just now rather than before.
    public struct Registration: Sendable, Equatable {
        public var device: Device
        /// False when the same user had already registered this token (it is refreshed).
        public var isNew: Bool
    }

    /// Registers `token` for `user`, taking it from anyone else who had it.
    ///
    /// - Throws: ``DeviceError`` when the platform is not one of ``DevicePlatform`` or the token is
    ///   empty, too long or holds anything but visible ASCII characters.
    public func register(platform: String, token: String, for user: User) async throws -> Registration {
        guard let platform = DevicePlatform(rawValue: platform) else { throw DeviceError.invalidPlatform }
        try Self.validate(token: token)
        let now = clock()
        let lock = database.engine.dialect.lockingSelectedRows
        return try await database.write { db in
            // One registration per user at a time, so that two at once cannot both keep a device past the cap.
            guard
                try await db.raw("SELECT id FROM users WHERE id = \(bind: user.id)\(unsafeRaw: lock)").first()
                    != nil
            else { throw UserError.userNotFound(id: user.id) }
            let devices = DeviceRepository(db)
            let previous = try await devices.find(token: token)
            let device = try await devices.upsert(token: token, platform: platform, userID: user.id, at: now)
            try await devices.trim(userID: user.id, keeping: Self.maximumDevicesPerUser)
            return Registration(device: device, isNew: previous?.userID != user.id)
        }
    }

    /// The user's devices, the most recently registered first.
    public func devices(of user: User) async throws -> [Device] {
        try await database.read { db in try await DeviceRepository(db).list(userID: user.id) }
    }

    /// Removes one of the user's devices.
    ///
    /// - Throws: ``DeviceError/deviceNotFound`` when `token` is not one of theirs, whoever has it.
    public func remove(token: String, of user: User) async throws {
        let removed = try await database.write { db in
            try await DeviceRepository(db).delete(token: token, userID: user.id)
        }
        if !removed { throw DeviceError.deviceNotFound }
    }

    static func validate(token: String) throws {
        let scalars = token.unicodeScalars
        guard !scalars.isEmpty else { throw DeviceError.tokenRequired }
        guard scalars.count <= maximumTokenLength else { throw DeviceError.tokenTooLong(limit: maximumTokenLength) }
        guard scalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else { throw DeviceError.invalidToken }
    }
}
