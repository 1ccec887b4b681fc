import Hummingbird
import ParleyCore

/// `GET /api/v1/products?search=`: products to ask about, found by name, with their vendor.
struct ProductAPIController {
    let lookup: Lookup

    struct Product: Codable, Sendable {
        let id: Int64
        let name: String
        let vendor: APIModel.UserRef
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(RouterPath(AppPath.API.products), use: search)
    }

    @Sendable func search(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAPIUser()
        let limit = try ChatAPIController.limit(request, default: 20, maximum: 50)
        let term = FormData(query: request)["search"] ?? ""
        // Counted in code points, as the OpenAPI document's maxLength counts.
        guard term.unicodeScalars.count <= 100 else {
            throw APIError(
                status: .badRequest, code: "invalid_query",
                message: "search can be at most 100 characters (Unicode code points).", field: "search")
        }
        let items = try await lookup.products(matching: term, limit: limit)
        let products = items.map { item in
            Product(
                id: item.id, name: item.label, vendor: .init(id: item.vendorID ?? 0, name: item.vendorName ?? ""))
        }
        // One page: a name search answers the best matches, not a list to walk.
        return try APIJSON.response(APIModel.Page(data: products, nextCursor: nil))
    }
}
