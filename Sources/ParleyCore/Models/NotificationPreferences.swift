/// What a user chose about hearing from Parley outside the app.
public struct NotificationPreferences: Sendable, Equatable {
    /// Whether they want an email about messages left unread (on unless they turned it off).
    public var emailReminders: Bool

    public init(emailReminders: Bool) {
        self.emailReminders = emailReminders
    }
}
