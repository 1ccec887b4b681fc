import ParleyCore

/// System Settings: the chat switch, the email reminders switch and the contact-detail policy as
/// they stand.
struct SettingsModel {
    struct Choice {
        let value: String
        let label: String
        let hint: String
        let checked: Bool
    }

    let layout: LayoutModel
    let chatEnabled: Bool
    let emailRemindersEnabled: Bool
    let contactDetailChoices: [Choice]

    init(layout: LayoutModel, chatEnabled: Bool, emailRemindersEnabled: Bool, contactDetails: ContactDetailPolicy) {
        self.layout = layout
        self.chatEnabled = chatEnabled
        self.emailRemindersEnabled = emailRemindersEnabled
        contactDetailChoices = ContactDetailPolicy.allCases.map { policy in
            let (label, hint) =
                switch policy {
                case .allow: ("Allow", "Delivered as written.")
                case .flag: ("Flag", "Delivered as written and queued for review.")
                case .hide: ("Hide", "Delivered with the details hidden, and queued for review.")
                }
            return Choice(value: policy.rawValue, label: label, hint: hint, checked: policy == contactDetails)
        }
    }
}
