import Foundation
import HummingbirdBcrypt
import NIOConcurrencyHelpers

/// A small marketplace to explore a new installation with: vendors and their products, customers,
/// and conversations spread over the last weeks, some still waiting to be read.
public struct DemoSeeder: Sendable {
    /// Every demo customer and vendor signs in with this password.
    public static let password = "parley-demo"

    public struct Summary: Sendable, Equatable {
        public var users: Int
        public var products: Int
        public var sessions: Int
        public var messages: Int
    }

    let database: Database
    let events: any ChatEventBus
    let bcryptCost: UInt8

    /// `bcryptCost` should be the one sign-in verifies with, so a demo account takes as long to
    /// check as any other.
    public init(database: Database, events: any ChatEventBus, bcryptCost: UInt8 = 12) {
        self.database = database
        self.events = events
        self.bcryptCost = bcryptCost
    }

    /// True when there is nothing but administrators in the database.
    public func isDatabaseEmpty() async throws -> Bool {
        try await database.read { db in
            let row = try await db.raw(
                """
                SELECT (SELECT COUNT(*) FROM users WHERE role <> 'admin') + (SELECT COUNT(*) FROM products)
                    + (SELECT COUNT(*) FROM chat_sessions) AS n
                """
            ).first()
            return try row?.int64("n") == 0
        }
    }

    /// Seeds when ``isDatabaseEmpty()``; nil when the database holds data already, or when another
    /// process (an instance started at the same moment) seeded it first.
    public func seedIfEmpty(now: Date = Date()) async throws -> Summary? {
        guard try await isDatabaseEmpty() else { return nil }
        do {
            return try await seed(now: now)
        } catch is SeededElsewhere {
            return nil
        }
    }

    /// The demo accounts were there when this seeding wrote them: someone else seeded.
    struct SeededElsewhere: Error {}

    /// Writes the demo data. The accounts and products go in first, in one transaction, so of two
    /// seeders racing only one gets past them; the other throws ``SeededElsewhere`` having written
    /// nothing.
    public func seed(now: Date = Date()) async throws -> Summary {
        // Conversations get back-dated times, so the service runs on a clock this seeder moves.
        let time = NIOLockedValueBox(now)
        let chat = ChatService(database: database, events: events, clock: { time.withLockedValue { $0 } })
        let hash = Bcrypt.hash(Self.password, cost: bcryptCost)

        var vendors: [User] = []
        var customers: [User] = []
        var products: [Product] = []
        do {
            try await database.write { db in
                let users = UserRepository(db)
                for (name, email) in Self.vendors {
                    vendors.append(
                        try await users.insert(name: name, email: email, role: .vendor, passwordHash: hash, at: now))
                }
                for (name, email) in Self.customers {
                    customers.append(
                        try await users.insert(name: name, email: email, role: .customer, passwordHash: hash, at: now))
                }
                let catalog = ProductRepository(db)
                for (name, vendor) in Self.products {
                    products.append(try await catalog.insert(name: name, vendorID: vendors[vendor].id, at: now))
                }
            }
        } catch  where Database.isUniqueViolation(error) {
            throw SeededElsewhere()
        }

        var generator = SplitMix64(seed: 20_261_124)
        var sessionCount = 0
        var messageCount = 0
        for (index, customer) in customers.enumerated() {
            for offset in 0..<(2 + index % 3) {
                let product = products[(index * 5 + offset * 7) % products.count]
                var clock = now.addingTimeInterval(-Double(generator.next(upTo: 30 * 86_400) + 3_600))
                time.withLockedValue { $0 = clock }
                let session = try await chat.createSession(
                    productID: product.id, customerID: customer.id, vendorID: product.vendorID)
                sessionCount += 1
                let exchange = Self.conversations[Int(generator.next(upTo: UInt64(Self.conversations.count)))]
                let length = 1 + Int(generator.next(upTo: UInt64(exchange.count)))
                for (turn, line) in exchange.prefix(length).enumerated() {
                    clock = min(clock.addingTimeInterval(Double(60 + generator.next(upTo: 7_200))), now)
                    time.withLockedValue { $0 = clock }
                    let sender = turn % 2 == 0 ? customer.id : product.vendorID
                    let text = line.replacingOccurrences(of: "{product}", with: product.name)
                    _ = try await chat.sendMessage(sessionID: session.id, senderID: sender, body: text)
                    messageCount += 1
                }
                // Most conversations have been read up to the end; some wait for an answer.
                if generator.next(upTo: 3) > 0 {
                    try await chat.markRead(sessionID: session.id, readerID: customer.id)
                    try await chat.markRead(sessionID: session.id, readerID: product.vendorID)
                }
            }
        }
        return Summary(
            users: vendors.count + customers.count, products: products.count, sessions: sessionCount,
            messages: messageCount)
    }

    static let vendors = [
        ("Harbor & Pine Outfitters", "sales@harborpine.example"),
        ("Lumen Audio", "hello@lumenaudio.example"),
        ("Fernwood Ceramics", "studio@fernwood.example"),
        ("Velo Works", "shop@veloworks.example"),
        ("Kettle & Crumb", "orders@kettlecrumb.example"),
    ]

    static let customers = [
        ("Amara Okafor", "amara.okafor@example.com"),
        ("Jonas Lindqvist", "jonas.lindqvist@example.com"),
        ("Priya Raman", "priya.raman@example.com"),
        ("Mateo García", "mateo.garcia@example.com"),
        ("Sofia Rossi", "sofia.rossi@example.com"),
        ("Kenji Watanabe", "kenji.watanabe@example.com"),
        ("Chloé Martin", "chloe.martin@example.com"),
        ("Daniel Novak", "daniel.novak@example.com"),
        ("Leila Haddad", "leila.haddad@example.com"),
        ("Oliver Bennett", "oliver.bennett@example.com"),
        ("Zanele Dlamini", "zanele.dlamini@example.com"),
        ("Lucas Ferreira", "lucas.ferreira@example.com"),
    ]

    /// Each product with the index of the vendor who sells it, so every shop sells its own trade.
    static let products: [(name: String, vendor: Int)] = [
        ("Alpine 3-Season Tent, 2 Person", 0),
        ("Merino Base Layer Crew", 0),
        ("Waxed Canvas Daypack 22L", 0),
        ("Studio Monitor Headphones MK II", 1),
        ("Bluetooth Turntable with Pre-amp", 1),
        ("Bookshelf Speakers, Walnut (pair)", 1),
        ("Hand-thrown Stoneware Mug", 2),
        ("Speckled Dinner Plate Set of 4", 2),
        ("Gravel Bike Frame, Chromoly 54cm", 3),
        ("Tubeless Tyre Repair Kit", 3),
        ("Cast Iron Dutch Oven 5.5 qt", 4),
        ("Sourdough Starter Kit", 4),
    ]

    static let conversations: [[String]] = [
        [
            "Hi! Is the {product} still in stock?",
            "Hello, yes, we have four left and they ship within two days.",
            "Great. Do you ship to Portugal?",
            "We do: about five working days, tracked.",
            "Perfect, ordering now. Thanks!",
        ],
        [
            "Could you tell me the exact dimensions of the {product}?",
            "Of course. I'll measure the one on my desk and get back to you today.",
            "Thank you, I need it to fit a narrow shelf.",
        ],
        [
            "My {product} arrived with a small scratch. What can we do?",
            "Sorry to hear that! Could you send a photo? We'll replace it or refund you, your choice.",
            "Photo sent by email. A replacement would be lovely.",
            "Replacement is on its way; no need to return the first one.",
        ],
        [
            "Is there a discount if I buy two {product}?",
            "Yes: 10% off the second one. I can make you a bundle.",
        ],
        [
            "Does the {product} come with a warranty?",
            "Two years on parts and labour, registered automatically with your order.",
            "Good to know, thanks.",
            "You're welcome. Anything else I can help with?",
        ],
    ]
}
