import Foundation
import Hummingbird
import NIOCore

/// `GET /admin/events`: server-sent events that keep the sidebar's unread badge and moderation
/// count current without reloading the page.
struct AdminEventsController {
    let badge: SidebarCount
    let moderationCount: SidebarCount

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(RouterPath(AdminPath.events), use: stream)
    }

    @Sendable func stream(request: Request, context: AppRequestContext) async throws -> Response {
        let updates = badge.updates()
        let cases = moderationCount.updates()
        let body = ResponseBody { writer in
            try await withThrowingTaskGroup(of: Void.self) { group in
                let (lines, line) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(8))
                group.addTask {
                    for await total in updates { line.yield("event: unread\ndata: \(total)\n\n") }
                    line.finish()
                }
                group.addTask {
                    for await open in cases { line.yield("event: moderation\ndata: \(open)\n\n") }
                    line.finish()
                }
                group.addTask {
                    // A comment every 20 s keeps proxies from closing an idle stream.
                    while !Task.isCancelled {
                        try await Task.sleep(for: .seconds(20))
                        line.yield(": keep-alive\n\n")
                    }
                }
                for await text in lines {
                    try await writer.write(ByteBuffer(string: text))
                }
                group.cancelAll()
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store", .init("X-Accel-Buffering")!: "no"],
            body: body)
    }
}
