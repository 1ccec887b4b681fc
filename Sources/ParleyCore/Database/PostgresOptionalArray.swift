import NIOCore
import PostgresNIO

/// An array parameter whose elements may be NULL, in PostgreSQL's binary array format, which
/// PostgresNIO writes only for arrays without NULLs.
struct PostgresOptionalArray<Element>: PostgresThrowingDynamicTypeEncodable, Encodable, Sendable
where Element: PostgresArrayEncodable & PostgresNonThrowingEncodable & Encodable & Sendable {
    let elements: [Element?]

    init(_ elements: [Element?]) {
        self.elements = elements
    }

    var psqlType: PostgresDataType { Element.psqlArrayType }
    var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) throws {
        // Dimensions, whether any element is NULL, and the elements' type.
        buffer.writeInteger(elements.isEmpty ? 0 : 1, as: Int32.self)
        buffer.writeInteger(elements.contains { $0 == nil } ? 1 : 0, as: Int32.self)
        buffer.writeInteger(Element.psqlType.rawValue)
        guard !elements.isEmpty else { return }
        // The one dimension: its length and its lower bound.
        buffer.writeInteger(Int32(elements.count))
        buffer.writeInteger(1, as: Int32.self)
        for element in elements {
            guard let element else {
                buffer.writeInteger(-1, as: Int32.self)
                continue
            }
            // Each element is its byte count followed by its bytes.
            let lengthIndex = buffer.writerIndex
            buffer.writeInteger(0, as: Int32.self)
            let start = buffer.writerIndex
            element.encode(into: &buffer, context: context)
            buffer.setInteger(Int32(buffer.writerIndex - start), at: lengthIndex)
        }
    }

    /// For PostgresKit's Codable path, which the fast path makes unnecessary: an array of values and nulls.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(elements)
    }
}
