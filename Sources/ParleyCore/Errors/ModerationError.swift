/// Why a block, report, ban or moderation decision was refused, or a send stopped by one.
public enum ModerationError: ParleyError, Equatable {
    /// One of the two participants blocked the other; `byMe` when it was the one asking.
    case blocked(byMe: Bool)
    case invalidReason
    case noteTooLong(limit: Int)
    case noteControlCharacters
    /// The report names a message that is not one of the conversation's.
    case unknownMessage(id: Int64)
    case tooManyOpenReports(limit: Int)
    case caseNotFound(id: Int64)
    case caseClosed(id: Int64)
    case administratorsCannotBeBanned
    case userNotFound(id: Int64)
    case emptyWarning
    case banned

    public var kind: ParleyErrorKind {
        switch self {
        case .blocked, .administratorsCannotBeBanned, .banned: .forbidden
        case .invalidReason, .noteTooLong, .noteControlCharacters, .unknownMessage, .emptyWarning: .invalid
        case .tooManyOpenReports, .caseClosed: .conflict
        case .caseNotFound, .userNotFound: .notFound
        }
    }

    public var code: String {
        switch self {
        case .blocked: "blocked"
        case .invalidReason: "invalid_reason"
        case .noteTooLong: "note_too_long"
        case .noteControlCharacters: "invalid_characters"
        case .unknownMessage: "unknown_message"
        case .tooManyOpenReports: "too_many_reports"
        case .caseNotFound: "case_not_found"
        case .caseClosed: "case_closed"
        case .administratorsCannotBeBanned: "administrator"
        case .userNotFound: "user_not_found"
        case .emptyWarning: "empty_warning"
        case .banned: "banned"
        }
    }

    public var field: String? {
        switch self {
        case .invalidReason: "reason"
        case .noteTooLong, .noteControlCharacters: "note"
        case .unknownMessage: "message_id"
        case .emptyWarning: "warning"
        default: nil
        }
    }

    public var message: String {
        switch self {
        case .blocked(let byMe):
            byMe
                ? "You blocked this person. Unblock them to send messages again."
                : "This person blocked you, so your messages cannot be delivered."
        case .invalidReason: "Choose a reason: spam, scam, harassment, off_platform or other."
        case .noteTooLong(let limit): "Keep the note to \(limit) characters or fewer."
        case .noteControlCharacters:
            "Remove the control characters from the note: only line breaks and tabs are allowed."
        case .tooManyOpenReports(let limit):
            "You have \(limit) reports waiting for a moderator; send more once some are handled."
        case .unknownMessage(let id):
            "Message #\(id) is not in this conversation: give one of its messages, or leave message_id out."
        case .caseNotFound(let id): "There is no moderation case #\(id)."
        case .caseClosed(let id): "Case #\(id) was already handled by another moderator."
        case .administratorsCannotBeBanned: "Administrators cannot be banned; change their role first."
        case .userNotFound(let id): "There is no user #\(id)."
        case .emptyWarning: "Write the warning the participant will read."
        case .banned: "This account is banned."
        }
    }
}
