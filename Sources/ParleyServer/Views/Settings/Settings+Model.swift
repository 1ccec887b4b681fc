/// System Settings: the chat switch as it stands.
struct SettingsModel {
    let layout: LayoutModel
    let chatEnabled: Bool
}
