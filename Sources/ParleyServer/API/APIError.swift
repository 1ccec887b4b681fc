import Foundation
import Hummingbird
import ParleyCore

/// An API error as clients receive it: `{"error": {"code": …, "message": …, "field": …}}`.
struct APIError: Error, Sendable {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    var field: String?
    var headers: HTTPFields = [:]

    static let signInRequired = APIError(
        status: .unauthorized, code: "unauthorized", message: "Send a valid token as Authorization: Bearer <token>.")
    static let chatDisabled = APIError(
        status: .forbidden, code: "chat_disabled", message: "Chat is turned off in the mobile app for now.")

    static func notFound(_ what: String) -> APIError {
        APIError(status: .notFound, code: "not_found", message: "There is no such \(what).")
    }

    init(status: HTTPResponse.Status, code: String, message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    /// The API's view of a domain error. The service already answers someone else's session as one
    /// that does not exist (``ChatAccess``), so ids reveal nothing; every 404 has the code `not_found`.
    init(_ error: any ParleyError) {
        let status: HTTPResponse.Status =
            switch error.kind {
            case .invalid: .unprocessableContent
            case .notFound: .notFound
            case .conflict: .conflict
            case .forbidden: .forbidden
            }
        let code = error.kind == .notFound ? "not_found" : error.code
        self.init(status: status, code: code, message: error.message, field: error.field)
    }

    var response: Response {
        var body: [String: String] = ["code": code, "message": message]
        if let field { body["field"] = field }
        let data = (try? JSONEncoder().encode(["error": body])) ?? Data()
        var headers = self.headers
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
