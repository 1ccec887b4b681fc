/// Who did something, as it was when they did it: the log keeps the name and email, not a link.
public struct AuditActor: Sendable, Equatable {
    /// The account's id; nil when nobody signed in (a failed sign-in) or for the command line.
    public var id: Int64?
    public var name: String
    /// The account's email, or the email typed into a sign-in that failed.
    public var email: String

    public init(id: Int64?, name: String, email: String) {
        self.id = id
        self.name = name
        self.email = email
    }

    public init(_ user: User) {
        self.init(id: user.id, name: user.name, email: user.email)
    }

    /// Someone who typed `email` into the sign-in form and was not let in.
    public static func unknown(email: String) -> AuditActor {
        AuditActor(id: nil, name: "", email: email)
    }

    /// A `parley` command run on the server.
    public static let commandLine = AuditActor(id: nil, name: "parley (command line)", email: "")
}
