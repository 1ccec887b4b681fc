import Hummingbird
import ParleyCore

/// `/api/v1/me/preferences`: the caller's choice of email reminders.
struct PreferencesAPIController {
    let preferences: NotificationPreferenceService

    /// Every field is optional and a missing one stays as it is; null is refused, not taken as missing.
    struct UpdateRequest: Decodable {
        let emailReminders: Bool?

        enum CodingKeys: String, CodingKey {
            case emailReminders
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            emailReminders =
                container.contains(.emailReminders) ? try container.decode(Bool.self, forKey: .emailReminders) : nil
        }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(RouterPath(AppPath.API.preferences), use: show)
        group.patch(RouterPath(AppPath.API.preferences), use: update)
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireAPIUser()
        return try APIJSON.response(APIModel.Preferences(try await preferences.preferences(of: user)))
    }

    @Sendable func update(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireAPIUser()
        let body = try await APIJSON.decode(UpdateRequest.self, from: request, context: context)
        let updated = try await preferences.update(emailReminders: body.emailReminders, for: user)
        return try APIJSON.response(APIModel.Preferences(updated))
    }
}
