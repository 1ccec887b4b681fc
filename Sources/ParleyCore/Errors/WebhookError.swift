/// Why a webhook endpoint could not be added or changed. Nothing is written when one is thrown.
public enum WebhookError: ParleyError, Equatable {
    case endpointNotFound(id: Int64)
    case deliveryNotFound(id: Int64)
    case invalidURL(String)
    case unknownEventType(String)
    case noEventTypes
    case invalidSecret
    case descriptionTooLong(limit: Int)

    public var kind: ParleyErrorKind {
        switch self {
        case .endpointNotFound, .deliveryNotFound: .notFound
        case .invalidURL, .unknownEventType, .noEventTypes, .invalidSecret, .descriptionTooLong: .invalid
        }
    }

    public var code: String {
        switch self {
        case .endpointNotFound: "webhook_not_found"
        case .deliveryNotFound: "delivery_not_found"
        case .invalidURL: "invalid_url"
        case .unknownEventType: "unknown_event_type"
        case .noEventTypes: "no_event_types"
        case .invalidSecret: "invalid_secret"
        case .descriptionTooLong: "description_too_long"
        }
    }

    public var field: String? {
        switch self {
        case .endpointNotFound, .deliveryNotFound: nil
        case .invalidURL: "url"
        case .unknownEventType, .noEventTypes: "events"
        case .invalidSecret: "secret"
        case .descriptionTooLong: "description"
        }
    }

    public var message: String {
        switch self {
        case .endpointNotFound(let id): "There is no webhook endpoint #\(id)."
        case .deliveryNotFound(let id): "There is no webhook delivery #\(id)."
        case .invalidURL(let reason): "Enter an http:// or https:// address with a host: \(reason)."
        case .unknownEventType(let name):
            "\"\(name)\" is not an event Parley sends; choose from "
                + WebhookEventType.allCases.map(\.rawValue).joined(separator: ", ") + "."
        case .noEventTypes: "Choose at least one event to send."
        case .invalidSecret: "A secret needs 16 to 200 visible characters, without spaces."
        case .descriptionTooLong(let limit): "Keep the description under \(limit) characters."
        }
    }
}
