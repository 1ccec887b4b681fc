import ParleyCore

/// A request body that can also be read without `JSONDecoder`, for the requests the API answers
/// most (a send). ``APIJSON/decode(_:from:context:)`` tries this first and falls back to
/// `JSONDecoder` whenever it answers nil, so every error (a missing field, a wrong type, a body that
/// is not JSON) is still reported the one way. An implementation answers nil for anything it is not
/// sure to read exactly as `JSONDecoder` with snake_case keys would: an unknown key, a value of
/// another type.
protocol HandDecodable: Decodable {
    init?(json: LogJSON)
}
