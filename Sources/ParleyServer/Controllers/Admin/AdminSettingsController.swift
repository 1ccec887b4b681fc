import Hummingbird
import ParleyCore

/// System Settings: the switch that turns chat in the mobile app on or off, the one that turns
/// unread reminders by email on or off for everyone, and what happens to contact details in messages.
struct AdminSettingsController {
    let chatSwitch: ChatSwitch
    let settings: SettingsService
    let pages: AdminPages

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(RouterPath(AdminPath.settings), use: show)
        group.post(RouterPath(AdminPath.settings), use: save)
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let model = SettingsModel(
            layout: await pages.layout(for: request, session: session, section: .settings),
            chatEnabled: try await chatSwitch.isEnabled(),
            emailRemindersEnabled: try await settings.isEmailRemindersEnabled(),
            contactDetails: try await settings.contactDetailPolicy())
        return pages.page("settings", model, request: request)
    }

    @Sendable func save(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireSession()
        let form = try await FormData.from(request, context: context)
        // The form sends a hidden "0" before each checkbox, so the last value is the choice.
        let enabled = form.all("chat_enabled").last == "1"
        var change = SettingsChange(chatEnabled: enabled)
        var notice = enabled ? "Chat is on in the mobile app." : "Chat is off in the mobile app."
        // A form without the reminders field (an older page still open) leaves them as they are.
        if let reminders = form.all("email_reminders_enabled").last.map({ $0 == "1" }) {
            change.emailRemindersEnabled = reminders
            notice += reminders ? " Email reminders are on." : " Email reminders are off."
        }
        if let policy = form.all("contact_details").last.flatMap(ContactDetailPolicy.init(rawValue:)) {
            change.contactDetails = policy
            notice += " Contact details in messages: \(policy.rawValue)."
        }
        try await settings.apply(change)
        chatSwitch.remember(enabled)
        return Responses.redirect(to: AdminPath.settings, notice: notice)
    }
}
