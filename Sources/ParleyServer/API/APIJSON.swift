import Foundation
import Hummingbird
import ParleyCore

/// JSON as the API speaks it: snake_case keys and ISO 8601 UTC times with milliseconds.
enum APIJSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// "2026-11-24T15:05:09.123Z".
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int(date.epochMillisecondsForAPI % 1_000)
        let padded =
            milliseconds < 10 ? "00\(milliseconds)" : milliseconds < 100 ? "0\(milliseconds)" : "\(milliseconds)"
        return Formatting.inputValue(date) + "." + padded + "Z"
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder().encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Decodes a request body, answering malformed JSON and wrong types with a 400 that names the
    /// field, and bodies over the limit with a 413.
    static func decode<T: Decodable>(
        _ type: T.Type, from request: Request, context: some RequestContext
    ) async throws
        -> T
    {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: context.maxUploadSize)
        } catch {
            throw APIError(
                status: .contentTooLarge, code: "body_too_large",
                message: "Request bodies can be at most \(context.maxUploadSize / 1024) KiB.")
        }
        let value: T
        do {
            value =
                try handDecoded(T.self, from: buffer) ?? decoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let field = context.codingPath.map { snakeCase($0.stringValue) }.joined(separator: ".")
            guard !field.isEmpty else {
                throw APIError(
                    status: .badRequest, code: "malformed_json", message: "The request body must be a JSON object.")
            }
            throw APIError(
                status: .badRequest, code: "invalid_field", message: "\(field) has the wrong type.", field: field)
        } catch DecodingError.keyNotFound(let key, _) {
            let field = snakeCase(key.stringValue)
            throw APIError(status: .badRequest, code: "missing_field", message: "\(field) is required.", field: field)
        } catch {
            throw APIError(status: .badRequest, code: "malformed_json", message: "The request body is not valid JSON.")
        }
        // PostgreSQL cannot store a NUL in text: refuse one in any field read, before any query. Fields
        // the API does not read are ignored whatever they hold, as the OpenAPI document allows.
        // Only the escape `\u0000` puts a NUL in a JSON string (a raw one is not valid JSON), so
        // the decoded value is walked only when the body holds that escape.
        if Self.mayHoldNUL(buffer), let field = fieldHoldingNUL(in: value) {
            throw APIError(
                status: .unprocessableContent, code: "invalid_characters",
                message: "Text cannot contain the NUL character (\\u0000).", field: field)
        }
        return value
    }

    /// `buffer` read by the type's own reader, when it has one and the buffer is valid UTF-8 and
    /// JSON of the kinds ``LogJSON`` reads; otherwise nil, for `JSONDecoder` to read it.
    static func handDecoded<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) -> T? {
        guard let readable = type as? any HandDecodable.Type,
            let text = String(validating: buffer.readableBytesView, as: UTF8.self),
            let json = LogJSON.parse(text)
        else { return nil }
        return readable.init(json: json) as? T
    }

    /// Whether the JSON text contains the escape for a NUL character (or something ending like it).
    static func mayHoldNUL(_ buffer: ByteBuffer) -> Bool {
        let escape: [UInt8] = Array(#"\u0000"#.utf8)
        let bytes = buffer.readableBytesView
        var index = bytes.startIndex
        while let backslash = bytes[index...].firstIndex(of: escape[0]) {
            if bytes[backslash...].starts(with: escape) { return true }
            index = bytes.index(after: backslash)
        }
        return false
    }

    /// The snake_case path of the first string in `value` that holds a NUL, walking nested values.
    static func fieldHoldingNUL(in value: Any, path: [String] = []) -> String? {
        if let text = value as? String {
            return text.utf8.contains(0) ? path.joined(separator: ".") : nil
        }
        for child in Mirror(reflecting: value).children {
            // Properties have labels; an optional's wrapped value ("some") and array elements add none.
            let name = child.label.flatMap { $0 == "some" ? nil : snakeCase($0) }
            if let field = fieldHoldingNUL(in: child.value, path: path + (name.map { [$0] } ?? [])) {
                return field
            }
        }
        return nil
    }

    static func snakeCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}

extension Date {
    fileprivate var epochMillisecondsForAPI: Int64 {
        Int64((timeIntervalSince1970 * 1000).rounded(.down))
    }
}
