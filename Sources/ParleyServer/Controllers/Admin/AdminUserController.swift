import Foundation
import Hummingbird
import NIOCore
import ParleyCore

/// Users: list, search, create and edit, so every dropdown points at records an administrator
/// can manage.
struct AdminUserController {
    let dependencies: AppDependencies
    let pages: AdminPages

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(RouterPath(AdminPath.users), use: index)
        group.get(RouterPath(AdminPath.newUser), use: new)
        group.post(RouterPath(AdminPath.users), use: create)
        group.get(RouterPath(AdminPath.Pattern.editUser), use: edit)
        group.post(RouterPath(AdminPath.Pattern.user), use: update)
        group.get(RouterPath(AdminPath.Pattern.userPersonalData), use: exportPersonalData)
        group.post(RouterPath(AdminPath.Pattern.eraseUser), use: erasePersonalData)
    }

    @Sendable func index(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let query = FormData(query: request)
        let search = query["search"] ?? ""
        let page = max(1, query["page"].flatMap { Int($0) } ?? 1)
        let result = try await DirectoryListing(database: dependencies.database).users(
            search: search, page: page, perPage: UserIndexModel.perPage)
        let model = UserIndexModel(
            layout: await pages.layout(for: request, session: session, section: .users), search: search, page: page,
            result: result, now: Date())
        return pages.page("users/index", model, request: request)
    }

    @Sendable func new(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        return await form(request: request, session: session, userID: nil, name: "", email: "", role: .customer)
    }

    @Sendable func create(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let form = try await FormData.from(request, context: context)
        let (name, email, password) = (form["name"] ?? "", form["email"] ?? "", form["password"] ?? "")
        let role = UserRole(rawValue: form["role"] ?? "") ?? .customer
        let problems = UserService.problems(name: name, email: email, password: password)
        if context.staleForm || !problems.isEmpty {
            return await self.form(
                request: request, session: session, userID: nil, name: name, email: email, role: role,
                errors: problems, stale: context.staleForm)
        }
        do {
            let user = try await dependencies.users.createUser(name: name, email: email, role: role, password: password)
            return Responses.redirect(to: AdminPath.users, notice: "User \(user.name) created.")
        } catch let error as UserError {
            return await self.form(
                request: request, session: session, userID: nil, name: name, email: email, role: role, errors: [error])
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
        let (name, email) = (form["name"] ?? "", form["email"] ?? "")
        let password = form["password"].flatMap { $0.isEmpty ? nil : $0 }
        let role = UserRole(rawValue: form["role"] ?? "") ?? user.role
        let problems = UserService.problems(name: name, email: email, password: password)
        if context.staleForm || !problems.isEmpty {
            return await self.form(
                request: request, session: session, userID: user.id, name: name, email: email, role: role,
                errors: problems, stale: context.staleForm)
        }
        do {
            let updated = try await dependencies.users.updateUser(
                id: user.id, name: name, email: email, role: role, password: password)
            return Responses.redirect(to: AdminPath.users, notice: "User \(updated.name) saved.")
        } catch let error as UserError where error.kind != .notFound {
            return await self.form(
                request: request, session: session, userID: user.id, name: name, email: email, role: role,
                errors: [error])
        }
    }

    /// Everything held about the user, as a JSON download.
    @Sendable func exportPersonalData(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try await requireUser(context)
        let data = try await dependencies.personalData.export(
            userID: user.id, by: context.auditActor, clientAddress: context.client.address)
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/json; charset=utf-8", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"parley-user-\(user.id).json\"",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Erases the user's personal data; the form asks for confirmation first.
    @Sendable func erasePersonalData(request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let user = try await requireUser(context)
        let form = try await FormData.from(request, context: context)
        guard form["confirm"] == "1" else {
            return Responses.redirect(
                to: AdminPath.editUser(user.id), notice: "Nothing was erased: tick the box to confirm first.")
        }
        do {
            let erasure = try await dependencies.personalData.erase(
                userID: user.id, by: context.auditActor, clientAddress: context.client.address)
            return Responses.redirect(
                to: AdminPath.editUser(user.id),
                notice: "The personal data of user #\(user.id) was erased; "
                    + "\(Formatting.counted(erasure.messagesRedacted, "message")) redacted.")
        } catch let error as PersonalDataError {
            return await pages.error(
                request: request, session: session, status: .conflict, heading: "Not erased",
                message: error.message)
        }
    }

    /// Which fields an edit changed; names and emails are personal data, so only that they changed.
    private func requireUser(_ context: AppRequestContext) async throws -> User {
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }),
            let user = try await dependencies.database.read({ db in try await UserRepository(db).find(id: id) })
        else { throw HTTPError(.notFound, message: "There is no such user.") }
        return user
    }

    private func form(
        request: Request, session: WebSession, userID: Int64?, name: String, email: String, role: UserRole,
        errors: [UserError] = [], stale: Bool = false
    ) async -> Response {
        let model = UserFormModel(
            layout: await pages.layout(for: request, session: session, section: .users), userID: userID, name: name,
            email: email, role: role, errors: errors, formError: stale ? AdminSessionMiddleware.staleFormMessage : nil,
            isSelf: userID == session.user.id)
        let status: HTTPResponse.Status =
            stale
            ? .forbidden
            : errors.isEmpty
                ? .ok
                : errors.contains { $0.kind == .conflict }
                    ? .conflict
                    : .unprocessableContent
        return pages.page("users/form", model, request: request, status: status)
    }
}
