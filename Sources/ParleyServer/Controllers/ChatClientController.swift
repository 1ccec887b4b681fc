import Hummingbird

/// `GET /chat`: the web chat client, one static page whose scripts (Public/chat) do everything
/// through the API and the realtime socket, as the mobile app does.
struct ChatClientController {
    let renderer: PageRenderer

    func addRoutes(to router: Router<AppRequestContext>) {
        let page = renderer.render("chat/index", ChatClientPage())
        router.get(RouterPath(AppPath.chat)) { _, _ in Responses.html(page) }
    }
}
