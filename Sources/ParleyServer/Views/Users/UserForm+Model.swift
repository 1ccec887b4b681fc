import ParleyCore

/// The create and edit forms of a user, with every error beside its field.
struct UserFormModel {
    struct RoleOption {
        let value: String
        let label: String
        let isSelected: Bool
    }

    let layout: LayoutModel
    let heading: String
    let action: String
    let isNew: Bool
    let name: String
    let email: String
    let roles: [RoleOption]
    let errors: [String: String]
    let formError: String?
    /// Personal data links of an existing user: the JSON download and the erase form.
    let personalData: PersonalData?

    struct PersonalData {
        let exportURL: String
        let eraseURL: String
        /// An administrator cannot erase the account they are signed in with.
        let canErase: Bool
    }

    init(
        layout: LayoutModel, userID: Int64?, name: String, email: String, role: UserRole, errors: [UserError],
        formError: String? = nil, isSelf: Bool = false
    ) {
        self.layout = layout
        heading = userID.map { "Edit user #\($0)" } ?? "New user"
        action = userID.map(AdminPath.user) ?? AdminPath.users
        isNew = userID == nil
        self.name = name
        self.email = email
        roles = UserRole.allCases.map {
            RoleOption(value: $0.rawValue, label: $0.rawValue.capitalized, isSelected: $0 == role)
        }
        var byField: [String: String] = [:]
        for error in errors {
            if let field = error.field, byField[field] == nil { byField[field] = error.message }
        }
        self.errors = byField
        self.formError = formError ?? errors.first { $0.field == nil }?.message
        personalData = userID.map {
            PersonalData(
                exportURL: AdminPath.userPersonalData($0), eraseURL: AdminPath.eraseUser($0), canErase: !isSelf)
        }
    }
}
