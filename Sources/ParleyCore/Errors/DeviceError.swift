/// Why a device could not be registered or removed. Nothing is written when one is thrown.
public enum DeviceError: ParleyError, Equatable {
    case invalidPlatform
    case tokenRequired
    case tokenTooLong(limit: Int)
    case invalidToken
    /// Not one of the caller's devices: someone else's answers the same as one that does not exist.
    case deviceNotFound

    public var kind: ParleyErrorKind {
        switch self {
        case .invalidPlatform, .tokenRequired, .tokenTooLong, .invalidToken: .invalid
        case .deviceNotFound: .notFound
        }
    }

    public var code: String {
        switch self {
        case .invalidPlatform: "invalid_platform"
        case .tokenRequired: "token_required"
        case .tokenTooLong: "token_too_long"
        case .invalidToken: "invalid_token"
        case .deviceNotFound: "device_not_found"
        }
    }

    public var field: String? {
        switch self {
        case .invalidPlatform: "platform"
        case .tokenRequired, .tokenTooLong, .invalidToken: "token"
        case .deviceNotFound: nil
        }
    }

    public var message: String {
        switch self {
        case .invalidPlatform:
            return "platform must be one of " + DevicePlatform.allCases.map(\.rawValue).joined(separator: ", ") + "."
        case .tokenRequired: return "Give the token the device's push service issued."
        case .tokenTooLong(let limit): return "A device token can be at most \(limit) characters."
        case .invalidToken:
            return "A device token holds only visible ASCII characters (no spaces, control or non-ASCII characters)."
        case .deviceNotFound: return "You have no device with this token."
        }
    }
}
