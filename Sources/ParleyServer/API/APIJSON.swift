import Foundation
import Hummingbird

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
        // PostgreSQL cannot store a NUL in text; refuse it here, for every field, before any query.
        if containsEscapedNUL(buffer.readableBytesView) {
            throw APIError(
                status: .unprocessableContent, code: "invalid_characters",
                message: "Text cannot contain the NUL character (\\u0000).")
        }
        do {
            return try decoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let field = context.codingPath.map { snakeCase($0.stringValue) }.joined(separator: ".")
            throw APIError(
                status: .badRequest, code: "invalid_field", message: "\(field) has the wrong type.", field: field)
        } catch DecodingError.keyNotFound(let key, _) {
            let field = snakeCase(key.stringValue)
            throw APIError(status: .badRequest, code: "missing_field", message: "\(field) is required.", field: field)
        } catch {
            throw APIError(status: .badRequest, code: "malformed_json", message: "The request body is not valid JSON.")
        }
    }

    /// True when JSON text holds `\u0000`: a backslash that is not itself escaped, then `u0000`.
    /// (A raw NUL byte is not valid JSON and fails decoding anyway.)
    static func containsEscapedNUL<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> Bool {
        let backslash = UInt8(ascii: "\\")
        var index = bytes.startIndex
        while let found = bytes[index...].firstIndex(of: backslash) {
            var end = found
            while end < bytes.endIndex, bytes[end] == backslash { end = bytes.index(after: end) }
            let run = bytes.distance(from: found, to: end)
            let tail = bytes[end...].prefix(5)
            if run % 2 == 1, tail.count == 5, tail.first == UInt8(ascii: "u"),
                tail.dropFirst().allSatisfy({ $0 == UInt8(ascii: "0") })
            {
                return true
            }
            index = end
        }
        return false
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
