import Foundation
import Hummingbird

/// Small builders for the responses pages send.
enum Responses {
    static func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func json(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// 303 See Other: after a form post the browser follows with a GET, so reloading the page
    /// never posts the form again. `notice` shows once on the next page.
    static func redirect(to location: String, notice: String? = nil) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location])
        if let notice { response.setCookie(FlashNotice.cookie(notice)) }
        return response
    }
}

/// A one-time confirmation ("3 chat sessions deleted") carried to the next page in a short-lived
/// cookie, so showing it needs no database write.
enum FlashNotice {
    static let cookieName = "parley_notice"

    static func cookie(_ text: String) -> Cookie {
        let encoded = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return Cookie(name: cookieName, value: encoded, maxAge: 60, path: "/admin", httpOnly: true, sameSite: .lax)
    }

    static func read(from request: Request) -> String? {
        request.cookies[cookieName]?.value.removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 }
    }

    static var clearing: Cookie {
        Cookie(name: cookieName, value: "", maxAge: 0, path: "/admin", httpOnly: true, sameSite: .lax)
    }
}
