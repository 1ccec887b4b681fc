import Foundation
import Hummingbird
import ParleyCore

/// Products: list, search, create and edit.
struct AdminProductController {
    let dependencies: AppDependencies
    let pages: AdminPages

    var products: ProductService { ProductService(database: dependencies.database) }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(RouterPath(AdminPath.products), use: index)
        group.get(RouterPath(AdminPath.newProduct), use: new)
        group.post(RouterPath(AdminPath.products), use: create)
        group.get(RouterPath(AdminPath.Pattern.editProduct), use: edit)
        group.post(RouterPath(AdminPath.Pattern.product), use: update)
    }

    @Sendable func index(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let query = FormData(query: request)
        let search = query["search"] ?? ""
        let page = max(1, query["page"].flatMap { Int($0) } ?? 1)
        let result = try await DirectoryListing(database: dependencies.database).products(
            search: search, page: page, perPage: ProductIndexModel.perPage)
        let model = ProductIndexModel(
            layout: await pages.layout(for: request, session: session, section: .products), search: search,
            page: page, result: result, now: Date())
        return pages.page("products/index", model, request: request)
    }

    @Sendable func new(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        return try await form(request: request, session: session, productID: nil, name: "", vendorID: nil)
    }

    @Sendable func create(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let form = try await FormData.from(request, context: context)
        let (name, vendorID) = (form["name"] ?? "", form.int64("vendor_id"))
        let errors = Self.problems(name: name, vendorID: vendorID)
        guard !context.staleForm, errors.isEmpty, let vendorID else {
            return try await self.form(
                request: request, session: session, productID: nil, name: name, vendorID: vendorID, errors: errors,
                stale: context.staleForm)
        }
        do {
            let product = try await products.createProduct(name: name, vendorID: vendorID)
            return Responses.redirect(to: AdminPath.products, notice: "Product \(product.name) created.")
        } catch let error as CatalogError {
            return try await self.form(
                request: request, session: session, productID: nil, name: name, vendorID: vendorID,
                errors: [error.field ?? "": error.message])
        }
    }

    @Sendable func edit(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let product = try await requireProduct(context)
        return try await form(
            request: request, session: session, productID: product.id, name: product.name, vendorID: product.vendorID)
    }

    @Sendable func update(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let product = try await requireProduct(context)
        let form = try await FormData.from(request, context: context)
        let (name, vendorID) = (form["name"] ?? "", form.int64("vendor_id"))
        let errors = Self.problems(name: name, vendorID: vendorID)
        guard !context.staleForm, errors.isEmpty, let vendorID else {
            return try await self.form(
                request: request, session: session, productID: product.id, name: name, vendorID: vendorID,
                errors: errors, stale: context.staleForm)
        }
        do {
            let saved = try await products.updateProduct(id: product.id, name: name, vendorID: vendorID)
            return Responses.redirect(to: AdminPath.products, notice: "Product \(saved.name) saved.")
        } catch let error as CatalogError where error.kind != .notFound {
            return try await self.form(
                request: request, session: session, productID: product.id, name: name, vendorID: vendorID,
                errors: [error.field ?? "": error.message])
        }
    }

    /// Every field's error at once.
    private static func problems(name: String, vendorID: Int64?) -> [String: String] {
        var errors: [String: String] = [:]
        for problem in ProductService.problems(name: name) { errors[problem.field ?? ""] = problem.message }
        if vendorID == nil { errors["vendor_id"] = "Choose the vendor who sells this product." }
        return errors
    }

    private func requireProduct(_ context: AppRequestContext) async throws -> Product {
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }),
            let product = try await dependencies.database.read({ db in try await ProductRepository(db).find(id: id) })
        else { throw HTTPError(.notFound, message: "There is no such product.") }
        return product
    }

    private func form(
        request: Request, session: WebSession, productID: Int64?, name: String, vendorID: Int64?,
        errors: [String: String] = [:], stale: Bool = false
    ) async throws -> Response {
        var vendorName: String?
        if let vendorID {
            vendorName = try await dependencies.database.read { db in
                try await UserRepository(db).find(id: vendorID)?.name
            }
        }
        let model = ProductFormModel(
            layout: await pages.layout(for: request, session: session, section: .products), productID: productID,
            name: name, vendorID: vendorID, vendorName: vendorName, errors: errors,
            formError: stale ? AdminSessionMiddleware.staleFormMessage : errors[""])
        let status: HTTPResponse.Status = stale ? .forbidden : errors.isEmpty ? .ok : .unprocessableContent
        return pages.page("products/form", model, request: request, status: status)
    }
}
