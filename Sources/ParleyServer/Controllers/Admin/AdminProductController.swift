import Foundation
import Hummingbird
import ParleyCore

/// Products: list, search, create and edit.
struct AdminProductController {
    static let perPage = 25

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

    struct IndexPage {
        struct Row {
            let id: Int64
            let name: String
            let vendorName: String
            let createdAt: TimeModel
            let editURL: String
            let sessionsURL: String
        }

        let layout: LayoutModel
        let search: String
        let rows: [Row]
        let hasRows: Bool
        let previousURL: String?
        let nextURL: String?
    }

    struct FormPage {
        let layout: LayoutModel
        let heading: String
        let action: String
        let isNew: Bool
        let name: String
        let nameError: String?
        let vendorField: ChatSessionIndexModel.Combobox
    }

    @Sendable func index(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let search = request.uri.queryParameters["search"].map(String.init) ?? ""
        let page = max(1, request.uri.queryParameters["page"].flatMap { Int($0) } ?? 1)
        let result = try await DirectoryListing(database: dependencies.database).products(
            search: search, page: page, perPage: Self.perPage)
        let now = Date()
        let rows = result.rows.map { row in
            IndexPage.Row(
                id: row.product.id, name: row.product.name, vendorName: row.vendorName,
                createdAt: TimeModel(row.product.createdAt, now: now), editURL: AdminPath.editProduct(row.product.id),
                sessionsURL: AdminPath.chatSessions + "?product=\(row.product.id)")
        }
        func url(_ page: Int) -> String {
            var parts: [String] = []
            if !search.isEmpty {
                parts.append(
                    "search=" + (search.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? ""))
            }
            if page > 1 { parts.append("page=\(page)") }
            return AdminPath.products + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&"))
        }
        let model = IndexPage(
            layout: await pages.layout(for: request, session: session, section: .products), search: search, rows: rows,
            hasRows: !rows.isEmpty, previousURL: page > 1 ? url(page - 1) : nil,
            nextURL: result.hasMore ? url(page + 1) : nil)
        return pages.page("products/index", model, request: request)
    }

    @Sendable func new(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        return try await form(request: request, session: session, productID: nil, name: "", vendorID: nil)
    }

    @Sendable func create(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let form = try await FormData.from(request, context: context)
        guard let vendorID = form.int64("vendor_id") else {
            return try await self.form(
                request: request, session: session, productID: nil, name: form["name"] ?? "", vendorID: nil,
                vendorError: "Choose the vendor who sells this product.")
        }
        do {
            let product = try await products.createProduct(name: form["name"] ?? "", vendorID: vendorID)
            return Responses.redirect(to: AdminPath.products, notice: "Product \(product.name) created.")
        } catch let error as CatalogError {
            return try await self.form(
                request: request, session: session, productID: nil, name: form["name"] ?? "", vendorID: vendorID,
                error: error)
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
        guard let vendorID = form.int64("vendor_id") else {
            return try await self.form(
                request: request, session: session, productID: product.id, name: form["name"] ?? "", vendorID: nil,
                vendorError: "Choose the vendor who sells this product.")
        }
        do {
            let saved = try await products.updateProduct(id: product.id, name: form["name"] ?? "", vendorID: vendorID)
            return Responses.redirect(to: AdminPath.products, notice: "Product \(saved.name) saved.")
        } catch let error as CatalogError where error.kind != .notFound {
            return try await self.form(
                request: request, session: session, productID: product.id, name: form["name"] ?? "",
                vendorID: vendorID, error: error)
        }
    }

    private func requireProduct(_ context: AppRequestContext) async throws -> Product {
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }),
            let product = try await dependencies.database.read({ db in try await ProductRepository(db).find(id: id) })
        else { throw HTTPError(.notFound, message: "There is no such product.") }
        return product
    }

    private func form(
        request: Request, session: WebSession, productID: Int64?, name: String, vendorID: Int64?,
        error: CatalogError? = nil, vendorError: String? = nil
    ) async throws -> Response {
        let vendorName = try await vendorID.asyncFlatMap { id in
            try await dependencies.database.read { db in try await UserRepository(db).find(id: id)?.name }
        }
        let model = FormPage(
            layout: await pages.layout(for: request, session: session, section: .products),
            heading: productID.map { "Edit product #\($0)" } ?? "New product",
            action: productID.map(AdminPath.product) ?? AdminPath.products, isNew: productID == nil, name: name,
            nameError: error?.field == "name" ? error?.message : nil,
            vendorField: .init(
                name: "vendor_id", inputID: "vendor", label: "Vendor", placeholder: "Search vendors",
                lookupURL: AdminPath.userLookup + "?role=vendor", selectedID: vendorID.map(String.init) ?? "",
                selectedLabel: vendorName ?? "", isRequired: true,
                error: vendorError ?? (error?.field == "vendor_id" ? error?.message : nil)))
        let failed = error != nil || vendorError != nil
        return pages.page("products/form", model, request: request, status: failed ? .unprocessableContent : .ok)
    }
}
