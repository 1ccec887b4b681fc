/// Why a user account could not be created or changed.
public enum UserError: ParleyError, Equatable {
    case nameRequired
    case invalidEmail(String)
    case emailTaken(String)
    case passwordTooShort(minimum: Int)
    case passwordTooLong(maximumBytes: Int)
    case userNotFound(id: Int64)
    case unknownEmail(String)
    /// The account's personal data was erased; it stays as it is.
    case erased(id: Int64)

    public var kind: ParleyErrorKind {
        switch self {
        case .nameRequired, .invalidEmail, .passwordTooShort, .passwordTooLong: .invalid
        case .emailTaken, .erased: .conflict
        case .userNotFound, .unknownEmail: .notFound
        }
    }

    public var code: String {
        switch self {
        case .nameRequired: "name_required"
        case .invalidEmail: "invalid_email"
        case .emailTaken: "email_taken"
        case .passwordTooShort: "password_too_short"
        case .passwordTooLong: "password_too_long"
        case .userNotFound, .unknownEmail: "user_not_found"
        case .erased: "erased"
        }
    }

    public var field: String? {
        switch self {
        case .nameRequired: "name"
        case .invalidEmail, .emailTaken: "email"
        case .passwordTooShort, .passwordTooLong: "password"
        case .userNotFound, .erased: nil
        case .unknownEmail: "email"
        }
    }

    public var message: String {
        switch self {
        case .nameRequired: "Enter a name."
        case .invalidEmail(let email): "\"\(email)\" is not an email address."
        case .emailTaken(let email): "Another account already uses \(email)."
        case .passwordTooShort(let minimum): "Use a password of at least \(minimum) characters."
        case .passwordTooLong(let maximum):
            "Use a password of at most \(maximum) bytes (\(maximum) letters without accents; fewer with them)."
        case .userNotFound(let id): "There is no user #\(id)."
        case .unknownEmail(let email): "No account uses \(email)."
        case .erased(let id):
            "User #\(id)'s personal data was erased, so the account can no longer be edited or given a password."
        }
    }
}
