import Foundation
import Hummingbird
import ParleyCore

/// The search endpoints behind the searchable dropdowns: a few matches per keystroke, so the
/// dropdowns stay usable with a hundred thousand users.
struct AdminLookupController {
    let lookup: Lookup

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(RouterPath(AdminPath.userLookup), use: users)
        group.get(RouterPath(AdminPath.productLookup), use: products)
    }

    @Sendable func users(request: Request, context: AppRequestContext) async throws -> Response {
        let term = FormData(query: request)["q"] ?? ""
        let role = FormData(query: request)["role"].flatMap { UserRole(rawValue: String($0)) }
        return try Self.encode(try await lookup.users(matching: term, role: role))
    }

    @Sendable func products(request: Request, context: AppRequestContext) async throws -> Response {
        let term = FormData(query: request)["q"] ?? ""
        return try Self.encode(try await lookup.products(matching: term))
    }

    static func encode(_ items: [LookupItem]) throws -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = try encoder.encode(["data": items])
        return Responses.json(String(decoding: data, as: UTF8.self))
    }
}
