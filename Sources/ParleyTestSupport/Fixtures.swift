import Foundation
import ParleyCore
import SQLKit

/// Rows for tests, written straight through the repositories: hashing a real password for every
/// fixture user would make the suite slow without testing anything more.
public struct Fixtures: Sendable {
    /// The bcrypt hash (cost 4) of ``password``.
    public static let passwordHash = "$2b$04$XasjLaNRVNlJWWfPEBrHnebwllAMr4Fy2wkcxosEOAc5tZLN.Tbwu"
    public static let password = "fixture-password"

    public let database: Database
    private let counter = NIOLockedCounter()

    public init(database: Database) {
        self.database = database
    }

    public func user(_ role: UserRole = .customer, name: String? = nil, email: String? = nil) async throws -> User {
        let number = counter.increment()
        return try await database.write { db in
            try await UserRepository(db).insert(
                name: name ?? "\(role.rawValue.capitalized) \(number)",
                email: email ?? "\(role.rawValue)\(number)-\(UUID().uuidString.prefix(8))@example.test",
                role: role, passwordHash: Self.passwordHash, at: Date())
        }
    }

    public func product(vendor: User, name: String? = nil) async throws -> Product {
        let number = counter.increment()
        return try await database.write { db in
            try await ProductRepository(db).insert(name: name ?? "Product \(number)", vendorID: vendor.id, at: Date())
        }
    }

    /// A customer, a vendor, one of the vendor's products, and the session between them about it.
    public func conversation(
        chat: ChatService
    ) async throws -> (customer: User, vendor: User, product: Product, session: ChatSession) {
        let customer = try await user(.customer)
        let vendor = try await user(.vendor)
        let product = try await product(vendor: vendor)
        let session = try await chat.createSession(productID: product.id, customerID: customer.id, vendorID: vendor.id)
        return (customer, vendor, product, session)
    }

    /// Row counts of the chat tables, to show that a refused operation wrote nothing.
    public func tableCounts() async throws -> [String: Int64] {
        try await database.read { db in
            var counts: [String: Int64] = [:]
            for table in ["users", "products", "chat_sessions", "chat_messages"] {
                let row = try await db.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()
                counts[table] = try row?.decode(column: "n", as: Int64.self) ?? 0
            }
            return counts
        }
    }

    /// Every session row, to compare before and after an operation.
    public func allSessions() async throws -> [ChatSession] {
        try await database.read { db in
            let ids = try await db.raw("SELECT id FROM chat_sessions ORDER BY id").all().map {
                try $0.decode(column: "id", as: Int64.self)
            }
            return try await ChatSessionRepository(db, engine: database.engine).find(ids: ids)
        }
    }

    public func messages(in sessionID: Int64) async throws -> [ChatMessage] {
        try await database.read { db in try await ChatMessageRepository(db).list(sessionID: sessionID, limit: 10_000) }
    }
}
