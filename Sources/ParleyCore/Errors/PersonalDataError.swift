/// Why a user's personal data could not be exported or erased.
public enum PersonalDataError: ParleyError, Equatable {
    case userNotFound(id: Int64)
    case cannotEraseYourself
    case lastAdministrator
    case alreadyErased(id: Int64)

    public var kind: ParleyErrorKind {
        switch self {
        case .userNotFound: .notFound
        case .cannotEraseYourself, .lastAdministrator, .alreadyErased: .conflict
        }
    }

    public var code: String {
        switch self {
        case .userNotFound: "user_not_found"
        case .cannotEraseYourself: "cannot_erase_yourself"
        case .lastAdministrator: "last_administrator"
        case .alreadyErased: "already_erased"
        }
    }

    public var field: String? { nil }

    public var message: String {
        switch self {
        case .userNotFound(let id): "There is no user #\(id)."
        case .cannotEraseYourself: "You cannot erase your own account while signed in with it."
        case .lastAdministrator: "This is the last administrator: create another one before erasing this one."
        case .alreadyErased(let id): "User #\(id) has already been erased."
        }
    }
}
