import Foundation
import HummingbirdBcrypt
import SQLKit

/// Conversations and signed-in API clients for the realtime benchmarks: `pairs` customers, each
/// with a vendor, a product of that vendor's and the session between them, and an API token for
/// every one of those users, so a load tool can open thousands of sockets without signing in.
public struct RealtimeBenchSeeder: Sendable {
    /// One conversation the load tool drives: who writes, who listens, with which tokens.
    public struct Pair: Sendable {
        public var sessionID: Int64
        public var customerToken: String
        public var vendorToken: String

        /// One tab-separated line: session id, customer token, vendor token.
        public var line: String { "\(sessionID)\t\(customerToken)\t\(vendorToken)" }
    }

    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Creates the pairs in transactions of a thousand; the users' password is ``BenchSeeder/password``.
    public func seed(pairs: Int, now: Date = Date()) async throws -> [Pair] {
        let hash = Bcrypt.hash(BenchSeeder.password, cost: 4)
        let engine = database.engine
        // A run tag keeps emails unique when the command runs twice on one database.
        let run = String(UInt32.random(in: .min ... .max), radix: 36)
        var result: [Pair] = []
        result.reserveCapacity(pairs)
        var start = 0
        while start < pairs {
            let end = min(pairs, start + 1_000)
            let chunk = try await database.write { db in
                var chunk: [Pair] = []
                let users = UserRepository(db)
                for index in start..<end {
                    let customer = try await users.insert(
                        name: "Load Customer \(index)", email: "load-\(run)-c\(index)@bench.example", role: .customer,
                        passwordHash: hash, at: now)
                    let vendor = try await users.insert(
                        name: "Load Vendor \(index)", email: "load-\(run)-v\(index)@bench.example", role: .vendor,
                        passwordHash: hash, at: now)
                    let product = try await ProductRepository(db).insert(
                        name: "Load Product \(index)", vendorID: vendor.id, at: now)
                    let session = try await ChatSessionRepository(db, engine: engine).insert(
                        productID: product.id, customerID: customer.id, vendorID: vendor.id, lastMessageAt: nil,
                        at: now)
                    chunk.append(
                        Pair(
                            sessionID: session.id,
                            customerToken: try await Self.token(for: customer.id, on: db, at: now),
                            vendorToken: try await Self.token(for: vendor.id, on: db, at: now)))
                }
                return chunk
            }
            result += chunk
            start = end
        }
        return result
    }

    private static func token(for userID: Int64, on db: any SQLDatabase, at now: Date) async throws -> String {
        let token = SecretToken.generate()
        try await db.raw(
            """
            INSERT INTO api_tokens (token_hash, user_id, created_at, last_used_at)
            VALUES (\(bind: SecretToken.hash(token)), \(bind: userID), \(bind: now.epochMilliseconds), \
            \(bind: now.epochMilliseconds))
            """
        ).run()
        return token
    }
}
