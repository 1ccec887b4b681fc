import HTTPTypes
import Hummingbird

/// Which methods the router serves at each path, taken from the finished router, so a request
/// with a method a known path does not take can be answered 405 with `Allow`.
struct AllowedMethods: Sendable {
    private let routes: [(components: [RouterPath.Element], methods: Set<HTTPRequest.Method>)]

    init(_ routes: [Router<AppRequestContext>.RouteDescription]) {
        var byPath: [String: (components: [RouterPath.Element], methods: Set<HTTPRequest.Method>)] = [:]
        for route in routes {
            byPath[route.path.description, default: (route.path.components, [])].methods.insert(route.method)
        }
        self.routes = Array(byPath.values)
    }

    /// The methods served at `path`, sorted; empty when no route has the path.
    func methods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var found: Set<HTTPRequest.Method> = []
        for route in routes where Self.matches(route.components, segments) {
            found.formUnion(route.methods)
        }
        return found.sorted { $0.rawValue < $1.rawValue }
    }

    private static func matches(_ components: [RouterPath.Element], _ segments: [Substring]) -> Bool {
        if let last = components.last, last == RouterPath.Element.recursiveWildcard {
            guard segments.count >= components.count - 1 else { return false }
            return zip(components.dropLast(), segments).allSatisfy { $0 ~= $1 }
        }
        guard components.count == segments.count else { return false }
        return zip(components, segments).allSatisfy { $0 ~= $1 }
    }
}
