import Hummingbird
import Logging
import ParleyCore

/// While the database does not answer, or once the server has begun to stop, every request that
/// needs it gets 503 with `Retry-After` (the JSON envelope under the API, a short page elsewhere)
/// instead of an empty 500. The outage
/// itself is logged by ``Database``, once when it starts and once when it ends. Under the API, an
/// error nothing else answered becomes a logged 500 in the envelope.
struct UnavailableMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch is DatabaseUnreachable {
            var response =
                Self.isAPI(request)
                ? APIError(
                    status: .serviceUnavailable, code: "database_unavailable",
                    message: "The service cannot reach its database. Nothing was changed; try again shortly."
                ).response
                : Responses.html(Self.page, status: .serviceUnavailable)
            response.headers[.retryAfter] = String(DatabaseUnreachable.retryAfter)
            return response
        } catch is ServiceShuttingDown {
            var response =
                Self.isAPI(request)
                ? APIError(
                    status: .serviceUnavailable, code: "shutting_down",
                    message: "The server is restarting. Nothing was changed; try again in a moment."
                ).response
                : Responses.html(Self.restartingPage, status: .serviceUnavailable)
            response.headers[.retryAfter] = String(ServiceShuttingDown.retryAfter)
            return response
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            guard Self.isAPI(request) else { throw error }
            context.logger.error(
                "Unanswered error", metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
            return APIError(
                status: .internalServerError, code: "internal_error",
                message: "Something went wrong on the server; it has been logged."
            ).response
        }
    }

    static func isAPI(_ request: Request) -> Bool {
        request.uri.path.hasPrefix("/api/")
    }

    static let page = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Unavailable · Parley</title>
        <meta name="viewport" content="width=device-width, initial-scale=1"></head>
        <body><h1>Parley is unavailable for a moment</h1>
        <p>It cannot reach its database. Nothing was changed. Try again in a few seconds.</p></body></html>
        """

    static let restartingPage = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Restarting · Parley</title>
        <meta name="viewport" content="width=device-width, initial-scale=1"></head>
        <body><h1>Parley is restarting</h1>
        <p>Nothing was changed. Try again in a few seconds.</p></body></html>
        """
}
