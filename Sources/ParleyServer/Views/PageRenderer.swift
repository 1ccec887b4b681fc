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
        guard let html = library.render(Self.context(model), withTemplate: template) else {
            // A missing template is a programming error that every page test would catch.
            return "<!doctype html><title>Template missing</title><p>Template \(template) is missing.</p>"
        }
        return html
    }

    /// The model as nested dictionaries and arrays.
    ///
    /// Mustache looks each name up by reflecting the whole value again; on a 100-row list that cost
    /// 0.7 ms a row. Reflecting every value once up front and handing over dictionaries, which
    /// Mustache reads by key, takes a few hundredths of that.
    static func context(_ value: Any) -> Any {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .struct, .class:
            var dictionary: [String: Any] = [:]
            for child in mirror.children {
                guard let label = child.label, let converted = optionalContext(child.value) else { continue }
                dictionary[label] = converted
            }
            return dictionary
        case .collection:
            return mirror.children.compactMap { optionalContext($0.value) }
        case .optional:
            return optionalContext(value) ?? ""
        default:
            return value
        }
    }

    /// Nil for an absent optional, so the key is missing and Mustache treats it as false.
    private static func optionalContext(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return nil }
            return optionalContext(wrapped)
        }
        return context(value)
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
