/// System Settings: the chat switch and the email reminders switch as they stand.
struct SettingsModel {
    let layout: LayoutModel
    let chatEnabled: Bool
    let emailRemindersEnabled: Bool
}
