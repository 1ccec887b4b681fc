/// Which sort of contact detail a span holds, so moderators and logs can tell a phone number from a handle.
public enum ContactDetailKind: String, Sendable, CaseIterable {
    case phone, email, web, handle
}
