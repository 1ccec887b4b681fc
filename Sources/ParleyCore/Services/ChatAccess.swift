/// Who may do what with conversations, as a marketplace decides it:
///
/// - a customer opens the conversation about a product (with the product's vendor) and writes in it;
/// - a vendor answers in conversations about their products, but never opens one as a customer;
/// - an administrator reads every conversation and moderates it (in the admin panel), but takes
///   no part in one: they neither open a conversation nor send or read receipts in it.
///
/// Anyone else's conversation does not exist for a customer or a vendor, so ids reveal nothing.
public enum ChatAccess {
    /// Whether `user` may open conversations about products.
    public static func opensConversations(_ user: User) -> Bool {
        user.role == .customer
    }

    /// Whether `user` reads every conversation, not only their own.
    public static func readsEverySession(_ user: User) -> Bool {
        user.role == .admin
    }

    /// Whether `user` may see `session` at all.
    public static func canRead(_ session: ChatSession, _ user: User) -> Bool {
        readsEverySession(user) || session.role(of: user.id) != nil
    }

    /// Whether `user` ever writes in conversations (messages and read receipts), in those they take part in.
    public static func writesInConversations(_ user: User) -> Bool {
        user.role != .admin
    }
}
