import Hummingbird

/// `GET /`: where a person who opens the server's address can go next.
struct HomeController {
    let renderer: PageRenderer

    struct HomePage {
        let adminURL: String
        let chatURL: String
        let apiDocumentURL: String
        let healthURL: String
        let stylesheetURL: String
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(AppPath.home)) { _, _ in
            Responses.html(
                renderer.render(
                    "home",
                    HomePage(
                        adminURL: AdminPath.login, chatURL: AppPath.chat, apiDocumentURL: AppPath.openAPIDocument,
                        healthURL: AppPath.health,
                        stylesheetURL: AdminPath.assets + "/admin.css")))
        }
    }
}
