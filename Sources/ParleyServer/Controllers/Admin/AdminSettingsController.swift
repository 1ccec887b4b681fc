import Hummingbird
import ParleyCore

/// System Settings: the switch that turns chat in the mobile app on or off.
struct AdminSettingsController {
    let chatSwitch: ChatSwitch
    let pages: AdminPages

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(RouterPath(AdminPath.settings), use: show)
        group.post(RouterPath(AdminPath.settings), use: save)
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let model = SettingsModel(
            layout: await pages.layout(for: request, session: session, section: .settings),
            chatEnabled: try await chatSwitch.isEnabled())
        return pages.page("settings", model, request: request)
    }

    @Sendable func save(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireSession()
        let form = try await FormData.from(request, context: context)
        // The form sends a hidden "0" before the checkbox, so the last value is the choice.
        let enabled = form.all("chat_enabled").last == "1"
        try await chatSwitch.set(enabled)
        return Responses.redirect(
            to: AdminPath.settings, notice: enabled ? "Chat is on in the mobile app." : "Chat is off in the mobile app."
        )
    }
}
