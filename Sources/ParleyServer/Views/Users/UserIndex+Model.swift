import Foundation
import ParleyCore

/// The Users list: one page of accounts, newest first, narrowed by a search.
struct UserIndexModel {
    static let perPage = 25

    struct Row {
        let id: Int64
        let name: String
        let email: String
        let role: String
        let roleClass: String
        let createdAt: TimeModel
        let editURL: String
        let sessionsURL: String
        let isBanned: Bool
        /// Customers and vendors can be banned; administrators cannot.
        let canBan: Bool
        let banURL: String
        let unbanURL: String
    }

    let layout: LayoutModel
    let search: String
    let rows: [Row]
    let hasRows: Bool
    let previousURL: String?
    let nextURL: String?

    init(layout: LayoutModel, search: String, page: Int, result: DirectoryListing.Page<User>, now: Date) {
        self.layout = layout
        self.search = search
        rows = result.rows.map { user in
            Row(
                id: user.id, name: user.name, email: user.email, role: user.role.rawValue,
                roleClass: user.role == .admin
                    ? "badge--danger" : user.role == .vendor ? "badge--primary" : "badge--info",
                createdAt: TimeModel(user.createdAt, now: now), editURL: AdminPath.editUser(user.id),
                sessionsURL: ChatSessionListQuery().with {
                    if user.role == .vendor { $0.vendorID = user.id } else { $0.customerID = user.id }
                }.url(),
                isBanned: user.isBanned, canBan: user.role != .admin && !user.isBanned,
                banURL: AdminPath.banUser(user.id),
                unbanURL: AdminPath.unbanUser(user.id))
        }
        hasRows = !rows.isEmpty
        previousURL = page > 1 ? AdminPath.directory(AdminPath.users, search: search, page: page - 1) : nil
        nextURL = result.hasMore ? AdminPath.directory(AdminPath.users, search: search, page: page + 1) : nil
    }
}
