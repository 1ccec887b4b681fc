/// New values for some of the system settings; nil leaves a setting as it is.
public struct SettingsChange: Sendable, Equatable {
    public var chatEnabled: Bool?
    public var emailRemindersEnabled: Bool?
    public var contactDetails: ContactDetailPolicy?

    public init(
        chatEnabled: Bool? = nil, emailRemindersEnabled: Bool? = nil, contactDetails: ContactDetailPolicy? = nil
    ) {
        self.chatEnabled = chatEnabled
        self.emailRemindersEnabled = emailRemindersEnabled
        self.contactDetails = contactDetails
    }
}
