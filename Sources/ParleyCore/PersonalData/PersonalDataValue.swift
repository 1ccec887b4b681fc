/// One value of a personal data export, written as plain JSON.
enum PersonalDataValue: Encodable, Sendable {
    case null
    case integer(Int64)
    case text(String)
    case bool(Bool)
    case object([String: PersonalDataValue])
    case array([PersonalDataValue])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .integer(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        }
    }
}
