/// Why a change to a conversation was refused. Nothing is written when one is thrown.
public enum ChatError: ParleyError, Equatable {
    case sessionNotFound(id: Int64)
    case messageNotFound(id: Int64)
    case productNotFound(id: Int64)
    case userNotFound(id: Int64, field: String)
    case sameCustomerAndVendor
    case sessionExists(existingID: Int64)
    case notParticipant(userID: Int64, sessionID: Int64)
    /// Only customers open conversations (``ChatAccess``).
    case customersOnly
    case ownProduct
    case emptyBody
    case controlCharacters
    case bodyTooLong(length: Int, limit: Int)
    case invalidClientMessageID(limit: Int)
    case clientMessageIDReused

    public var kind: ParleyErrorKind {
        switch self {
        case .sessionNotFound, .messageNotFound: .notFound
        case .productNotFound, .userNotFound, .sameCustomerAndVendor, .ownProduct, .emptyBody, .controlCharacters,
            .bodyTooLong, .invalidClientMessageID:
            .invalid
        case .sessionExists, .clientMessageIDReused: .conflict
        case .notParticipant, .customersOnly: .forbidden
        }
    }

    public var code: String {
        switch self {
        case .sessionNotFound: "session_not_found"
        case .messageNotFound: "message_not_found"
        case .productNotFound: "unknown_product"
        case .userNotFound: "unknown_user"
        case .sameCustomerAndVendor: "same_customer_and_vendor"
        case .sessionExists: "session_exists"
        case .notParticipant: "not_participant"
        case .customersOnly: "customers_only"
        case .ownProduct: "own_product"
        case .emptyBody: "empty_body"
        case .controlCharacters: "invalid_characters"
        case .bodyTooLong: "body_too_long"
        case .invalidClientMessageID: "invalid_client_message_id"
        case .clientMessageIDReused: "client_message_id_reused"
        }
    }

    public var field: String? {
        switch self {
        case .productNotFound: "product_id"
        case .userNotFound(_, let field): field
        case .sameCustomerAndVendor: "vendor_id"
        case .sessionExists, .ownProduct: "product_id"
        case .emptyBody, .controlCharacters, .bodyTooLong: "body"
        case .invalidClientMessageID, .clientMessageIDReused: "client_message_id"
        case .sessionNotFound, .messageNotFound, .notParticipant, .customersOnly: nil
        }
    }

    public var message: String {
        switch self {
        case .sessionNotFound(let id): "There is no chat session #\(id)."
        case .messageNotFound(let id): "There is no message #\(id) in this chat session."
        case .productNotFound(let id): "Choose an existing product; #\(id) does not exist."
        case .userNotFound(let id, let field):
            "Choose an existing \(field == "customer_id" ? "customer" : "vendor"); user #\(id) does not exist."
        case .sameCustomerAndVendor: "The vendor must be someone other than the customer."
        case .sessionExists(let id):
            "A chat session for this product, customer and vendor already exists (#\(id))."
        case .notParticipant: "Only the session's customer or vendor can do this."
        case .customersOnly:
            "Only customers open conversations: vendors answer in them and administrators read them."
        case .ownProduct: "Vendors cannot open a chat about their own product."
        case .emptyBody: "Write a message with some visible text before sending."
        case .controlCharacters:
            "Remove the control characters from the message: only line breaks and tabs are allowed."
        case .bodyTooLong(let length, let limit):
            "A message can be at most \(limit) characters (Unicode code points); this one has \(length)."
        case .invalidClientMessageID(let limit):
            "client_message_id must be 1 to \(limit) characters, without control characters."
        case .clientMessageIDReused: "This client_message_id was already used for a message in another chat session."
        }
    }
}
