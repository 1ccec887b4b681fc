import Foundation
import Hummingbird
import ParleyCore

/// `/api/v1/devices`: the caller's devices for push. The rules are ``DeviceService``'s.
struct DeviceAPIController {
    let devices: DeviceService

    struct RegisterRequest: Decodable {
        let platform: String
        let token: String
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(RouterPath(AppPath.API.devices), use: list)
        group.post(RouterPath(AppPath.API.devices), use: register)
        group.delete(RouterPath(AppPath.API.device), use: remove)
    }

    @Sendable func list(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireAPIUser()
        let devices = try await devices.devices(of: user)
        // One page: a user has at most DeviceService.maximumDevicesPerUser.
        return try APIJSON.response(APIModel.Page(data: devices.map(APIModel.Device.init), nextCursor: nil))
    }

    @Sendable func register(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireAPIUser()
        let body = try await APIJSON.decode(RegisterRequest.self, from: request, context: context)
        let registration = try await devices.register(platform: body.platform, token: body.token, for: user)
        return try APIJSON.response(
            APIModel.Device(registration.device), status: registration.isNew ? .created : .ok)
    }

    @Sendable func remove(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireAPIUser()
        // Path parameters arrive as sent: a token holding "/" comes percent-encoded.
        guard let token = context.parameters.get("token")?.removingPercentEncoding else {
            throw DeviceError.deviceNotFound
        }
        try await devices.remove(token: token, of: user)
        return Response(status: .noContent)
    }
}
