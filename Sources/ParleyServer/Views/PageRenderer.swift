import Foundation
import Mustache

/// Renders the admin panel's Mustache templates (Resources/Templates). Templates only lay out a
/// ready model; every value they print is HTML-escaped.
struct PageRenderer: Sendable {
    let library: MustacheLibrary

    static func load() async throws -> PageRenderer {
        guard let resources = Bundle.module.resourcePath else {
            throw PageRendererError(message: "the ParleyServer resource bundle is missing")
        }
        let library = try await MustacheLibrary(directory: resources + "/Templates")
        return PageRenderer(library: library)
    }

    func render(_ template: String, _ model: Any) -> String {
        guard let html = library.render(model, withTemplate: template) else {
            // A missing template is a programming error that every page test would catch.
            return "<!doctype html><title>Template missing</title><p>Template \(template) is missing.</p>"
        }
        return html
    }

    /// Where static assets (CSS, JavaScript) live.
    static var publicDirectory: String {
        (Bundle.module.resourcePath ?? ".") + "/Public"
    }
}

struct PageRendererError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
