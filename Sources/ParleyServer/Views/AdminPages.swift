import Hummingbird
import ParleyCore

/// Puts page models into the layout and renders them.
struct AdminPages: Sendable {
    let renderer: PageRenderer
    let badge: SidebarCount
    let moderationCount: SidebarCount

    func layout(for request: Request, session: WebSession, section: LayoutModel.Section) async -> LayoutModel {
        LayoutModel(
            session: session, section: section, notice: FlashNotice.read(from: request),
            unreadBadge: await badge.current(), openCases: await moderationCount.current())
    }

    /// Renders a page; a notice shown on it is cleared so it shows only once.
    func page(_ template: String, _ model: Any, request: Request, status: HTTPResponse.Status = .ok) -> Response {
        var response = Responses.html(renderer.render(template, model), status: status)
        if FlashNotice.read(from: request) != nil { response.setCookie(FlashNotice.clearing) }
        return response
    }

    struct ErrorPage {
        let layout: LayoutModel
        let heading: String
        let message: String
    }

    func error(
        request: Request, session: WebSession, status: HTTPResponse.Status, heading: String, message: String
    ) async -> Response {
        let model = ErrorPage(
            layout: await layout(for: request, session: session, section: .none), heading: heading, message: message)
        return page("error", model, request: request, status: status)
    }
}

extension AppRequestContext {
    /// The chat session id in the path (`:id`); a malformed one is a 404 like an unknown one.
    func chatSessionID() throws -> Int64 {
        guard let id = parameters.get("id").flatMap({ Int64($0) }) else {
            throw HTTPError(.notFound, message: "There is no such chat session.")
        }
        return id
    }

    /// The signed-in administrator; admin routes only run behind ``AdminSessionMiddleware``.
    func requireSession() throws -> WebSession {
        guard let webSession else { throw HTTPError(.unauthorized, message: "Sign in again.") }
        return webSession
    }
}
