import Foundation
import Hummingbird
import ParleyCore

/// Users: list, search, create and edit, so every dropdown points at records an administrator
/// can manage.
struct AdminUserController {
    static let perPage = 25

    let dependencies: AppDependencies
    let pages: AdminPages

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(RouterPath(AdminPath.users), use: index)
        group.get(RouterPath(AdminPath.newUser), use: new)
        group.post(RouterPath(AdminPath.users), use: create)
        group.get(RouterPath(AdminPath.Pattern.editUser), use: edit)
        group.post(RouterPath(AdminPath.Pattern.user), use: update)
    }

    struct IndexPage {
        struct Row {
            let id: Int64
            let name: String
            let email: String
            let role: String
            let roleClass: String
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
        struct RoleOption {
            let value: String
            let label: String
            let isSelected: Bool
        }

        let layout: LayoutModel
        let heading: String
        let action: String
        let isNew: Bool
        let name: String
        let email: String
        let roles: [RoleOption]
        let errors: [String: String]
        let formError: String?
    }

    @Sendable func index(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let search = request.uri.queryParameters["search"].map(String.init) ?? ""
        let page = max(1, request.uri.queryParameters["page"].flatMap { Int($0) } ?? 1)
        let result = try await DirectoryListing(database: dependencies.database).users(
            search: search, page: page, perPage: Self.perPage)
        let now = Date()
        let rows = result.rows.map { user in
            IndexPage.Row(
                id: user.id, name: user.name, email: user.email, role: user.role.rawValue,
                roleClass: user.role == .admin
                    ? "badge--danger" : user.role == .vendor ? "badge--primary" : "badge--info",
                createdAt: TimeModel(user.createdAt, now: now), editURL: AdminPath.editUser(user.id),
                sessionsURL: AdminPath.chatSessions + "?\(user.role == .vendor ? "vendor" : "customer")=\(user.id)")
        }
        let model = IndexPage(
            layout: await pages.layout(for: request, session: session, section: .users), search: search, rows: rows,
            hasRows: !rows.isEmpty, previousURL: page > 1 ? Self.url(search: search, page: page - 1) : nil,
            nextURL: result.hasMore ? Self.url(search: search, page: page + 1) : nil)
        return pages.page("users/index", model, request: request)
    }

    static func url(search: String, page: Int) -> String {
        var parts: [String] = []
        if !search.isEmpty {
            parts.append("search=" + (search.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? ""))
        }
        if page > 1 { parts.append("page=\(page)") }
        return AdminPath.users + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&"))
    }

    @Sendable func new(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        return await form(request: request, session: session, userID: nil, name: "", email: "", role: .customer)
    }

    @Sendable func create(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let form = try await FormData.from(request, context: context)
        let role = UserRole(rawValue: form["role"] ?? "") ?? .customer
        do {
            let user = try await dependencies.users.createUser(
                name: form["name"] ?? "", email: form["email"] ?? "", role: role, password: form["password"] ?? "")
            return Responses.redirect(to: AdminPath.users, notice: "User \(user.name) created.")
        } catch let error as UserError {
            return await self.form(
                request: request, session: session, userID: nil, name: form["name"] ?? "", email: form["email"] ?? "",
                role: role, error: error)
        }
    }

    @Sendable func edit(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let user = try await requireUser(context)
        return await form(
            request: request, session: session, userID: user.id, name: user.name, email: user.email, role: user.role)
    }

    @Sendable func update(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let user = try await requireUser(context)
        let form = try await FormData.from(request, context: context)
        let role = UserRole(rawValue: form["role"] ?? "") ?? user.role
        do {
            let updated = try await dependencies.users.updateUser(
                id: user.id, name: form["name"] ?? "", email: form["email"] ?? "", role: role,
                password: form["password"])
            return Responses.redirect(to: AdminPath.users, notice: "User \(updated.name) saved.")
        } catch let error as UserError where error.kind != .notFound {
            return await self.form(
                request: request, session: session, userID: user.id, name: form["name"] ?? "",
                email: form["email"] ?? "", role: role, error: error)
        }
    }

    private func requireUser(_ context: AppRequestContext) async throws -> User {
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }),
            let user = try await dependencies.database.read({ db in try await UserRepository(db).find(id: id) })
        else { throw HTTPError(.notFound, message: "There is no such user.") }
        return user
    }

    private func form(
        request: Request, session: WebSession, userID: Int64?, name: String, email: String, role: UserRole,
        error: UserError? = nil
    ) async -> Response {
        var errors: [String: String] = [:]
        if let error, let field = error.field { errors[field] = error.message }
        let model = FormPage(
            layout: await pages.layout(for: request, session: session, section: .users),
            heading: userID.map { "Edit user #\($0)" } ?? "New user",
            action: userID.map(AdminPath.user) ?? AdminPath.users, isNew: userID == nil, name: name, email: email,
            roles: UserRole.allCases.map {
                .init(value: $0.rawValue, label: $0.rawValue.capitalized, isSelected: $0 == role)
            },
            errors: errors, formError: error != nil && error?.field == nil ? error?.message : nil)
        let status: HTTPResponse.Status =
            error == nil ? .ok : (error?.kind == .conflict ? .conflict : .unprocessableContent)
        return pages.page("users/form", model, request: request, status: status)
    }
}
