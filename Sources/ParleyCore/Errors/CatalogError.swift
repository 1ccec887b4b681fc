/// Why a product could not be created or changed.
public enum CatalogError: ParleyError, Equatable {
    case nameRequired
    case nameTooLong(limit: Int)
    case vendorNotFound(id: Int64)
    case productNotFound(id: Int64)

    public var kind: ParleyErrorKind {
        switch self {
        case .nameRequired, .nameTooLong, .vendorNotFound: .invalid
        case .productNotFound: .notFound
        }
    }

    public var code: String {
        switch self {
        case .nameRequired: "name_required"
        case .nameTooLong: "name_too_long"
        case .vendorNotFound: "unknown_vendor"
        case .productNotFound: "product_not_found"
        }
    }

    public var field: String? {
        switch self {
        case .nameRequired, .nameTooLong: "name"
        case .vendorNotFound: "vendor_id"
        case .productNotFound: nil
        }
    }

    public var message: String {
        switch self {
        case .nameRequired: "Enter the product's name."
        case .nameTooLong(let limit): "Keep the name to \(limit) characters."
        case .vendorNotFound(let id): "Choose an existing vendor; user #\(id) does not exist."
        case .productNotFound(let id): "There is no product #\(id)."
        }
    }
}
