import Foundation
import ParleyCore

/// What the shared layout shows around every admin page: the sidebar, the unread badge, the
/// signed-in administrator, a one-time notice and the CSRF token for forms.
struct LayoutModel {
    struct NavigationItem {
        let label: String
        let url: String
        /// The sprite symbol drawn before the label (icons/sprite.mustache), without its `icon-` prefix.
        let icon: String
        let isActive: Bool
        let showsUnreadBadge: Bool
        var showsModerationBadge = false
    }

    struct NavigationGroup {
        let heading: String
        let items: [NavigationItem]
    }

    enum Section {
        case users, chatSessions, moderation, products, settings, webhooks, audit, none
    }

    let links = PageLinks()
    let csrfToken: String
    let adminName: String
    let notice: String?
    let unreadBadge: Int64
    let navigation: [NavigationGroup]
    let unreadBadgeText: String
    /// Mustache treats 0 as true, so the badge's visibility is its own flag.
    let hasUnreadBadge: Bool
    /// The moderation queue's open cases, shown beside its entry.
    let openCasesText: String
    let hasOpenCases: Bool

    init(session: WebSession, section: Section, notice: String?, unreadBadge: Int64, openCases: Int64 = 0) {
        csrfToken = session.csrfToken
        adminName = session.user.name
        self.notice = notice
        self.unreadBadge = unreadBadge
        unreadBadgeText = Formatting.count(Int(unreadBadge))
        hasUnreadBadge = unreadBadge > 0
        openCasesText = Formatting.count(Int(openCases))
        hasOpenCases = openCases > 0
        navigation = [
            NavigationGroup(
                heading: "User Management",
                items: [
                    .init(
                        label: "Users", url: AdminPath.users, icon: "users", isActive: section == .users,
                        showsUnreadBadge: false),
                    .init(
                        label: "Chat Sessions", url: AdminPath.chatSessions, icon: "chat",
                        isActive: section == .chatSessions, showsUnreadBadge: true),
                    .init(
                        label: "Moderation", url: AdminPath.moderation, icon: "flag",
                        isActive: section == .moderation, showsUnreadBadge: false, showsModerationBadge: true),
                ]),
            NavigationGroup(
                heading: "Catalog",
                items: [
                    .init(
                        label: "Products", url: AdminPath.products, icon: "cube", isActive: section == .products,
                        showsUnreadBadge: false)
                ]),
            NavigationGroup(
                heading: "Settings",
                items: [
                    .init(
                        label: "System Settings", url: AdminPath.settings, icon: "settings",
                        isActive: section == .settings, showsUnreadBadge: false),
                    .init(
                        label: "Webhooks", url: AdminPath.webhooks, icon: "link", isActive: section == .webhooks,
                        showsUnreadBadge: false),
                    .init(
                        label: "Audit log", url: AdminPath.audit, icon: "eye", isActive: section == .audit,
                        showsUnreadBadge: false),
                ]),
        ]
    }
}

/// A moment as a page shows it: relative text, the exact time on hover, and a machine-readable form.
struct TimeModel {
    let relative: String
    let exact: String
    let iso: String

    init(_ date: Date, now: Date) {
        relative = Formatting.relative(date, now: now)
        exact = Formatting.exact(date)
        iso = Formatting.iso8601(date)
    }
}
