import Foundation
import HummingbirdBcrypt
import SQLKit

/// Fills the database with a large, consistent marketplace for benchmarks.
///
/// Rows are generated inside the database (`INSERT … SELECT` over a number sequence) rather than
/// sent one by one, which is what makes millions of rows a minute possible. Every value is a pure
/// function of the row number, so the stored counters are computed exactly, not recounted.
public struct BenchSeeder: Sendable {
    public struct Sizes: Sendable, Equatable {
        public var users: Int
        public var products: Int
        public var sessions: Int
        public var messages: Int

        public init(users: Int, products: Int, sessions: Int, messages: Int) {
            self.users = users
            self.products = products
            self.sessions = sessions
            self.messages = messages
        }

        public var totalRows: Int { users + products + sessions + messages }
    }

    /// Every generated user signs in with this password.
    public static let password = "bench-password"

    let database: Database
    let sizes: Sizes
    /// Sessions per transaction; also how often progress is reported.
    let chunkSize: Int

    public init(database: Database, sizes: Sizes, chunkSize: Int = 50_000) throws {
        guard sizes.users >= 2, sizes.products >= 1, sizes.sessions >= 0, sizes.messages >= 0 else {
            throw ConfigurationError.invalid(name: "seed sizes", reason: "need at least 2 users and 1 product")
        }
        let vendors = max(1, sizes.users / 10)
        let customers = sizes.users - vendors
        // Each product gets its sessions from distinct customers, so the unique triple holds.
        let perProduct = (sizes.sessions + sizes.products - 1) / sizes.products
        guard perProduct <= customers else {
            throw ConfigurationError.invalid(
                name: "seed sizes",
                reason:
                    "\(sizes.sessions) sessions over \(sizes.products) products need at least \(perProduct) customers")
        }
        self.database = database
        self.sizes = sizes
        self.chunkSize = max(1, chunkSize)
    }

    /// Inserts the rows, calling `progress(rowsDone, rowsTotal, phase)` after each chunk.
    ///
    /// On SQLite each chunk is a transaction of its own. On PostgreSQL the whole load is one
    /// transaction in which the tables' secondary indexes and foreign keys are dropped first and
    /// built again at the end (``SuspendedIndexes``), which is several times faster; a failure
    /// leaves the database as it was.
    public func seed(now: Date = Date(), progress: @Sendable (Int, Int, String) -> Void = { _, _, _ in }) async throws {
        let engine = database.engine
        let hash = Bcrypt.hash(Self.password, cost: 4)
        let base = try await database.read { db in try await Self.currentMaxima(on: db) }
        let plan = Plan(sizes: sizes, base: base, now: now.epochMilliseconds, engine: engine)
        let tables = ["users", "products", "chat_sessions", "chat_messages"]
        switch engine {
        case .sqlite:
            try await load(plan, hash: hash, progress: progress) { step in try await database.write(step) }
            try await database.write { db in
                try await ChatSessionRepository(db, engine: engine).markSidesOfEverySession()
            }
        case .postgres:
            try await database.write { db in
                // This transaction alone may skip waiting for its WAL to reach the disk at commit.
                try await db.raw("SET LOCAL synchronous_commit = off").run()
                try await db.raw("SET LOCAL maintenance_work_mem = '512MB'").run()
                try await db.raw("SET LOCAL work_mem = '256MB'").run()
                // Messages are the bulk and nothing reads them back during the load; sessions are
                // read back by id to generate their messages.
                let suspended = try await SuspendedIndexes.suspend(
                    on: tables, primaryKeysOf: ["chat_messages"], db: db)
                try await load(plan, hash: hash, progress: progress) { step in try await step(db) }
                try await ChatSessionRepository(db, engine: engine).markSidesOfEverySession()
                progress(sizes.totalRows, sizes.totalRows, "indexes")
                try await suspended.restore(on: db)
            }
        }
        try await database.write { db in
            for table in tables {
                if let reset = engine.dialect.resetIdentity(of: table) { try await db.raw(SQLQueryString(reset)).run() }
            }
        }
        try await database.read { db in try await db.raw("ANALYZE").run() }
    }

    /// Runs the plan's statements chunk by chunk, each chunk through `transaction`.
    private func load(
        _ plan: Plan, hash: String, progress: @Sendable (Int, Int, String) -> Void,
        transaction: (@Sendable (any SQLDatabase) async throws -> Void) async throws -> Void
    ) async throws {
        var done = 0
        let total = sizes.totalRows
        for start in stride(from: 0, to: sizes.users, by: chunkSize * 4) {
            let end = min(sizes.users, start + chunkSize * 4)
            try await transaction { db in try await db.raw(plan.users(from: start, to: end, hash: hash)).run() }
            done += end - start
            progress(done, total, "users")
        }
        for start in stride(from: 0, to: sizes.products, by: chunkSize * 4) {
            let end = min(sizes.products, start + chunkSize * 4)
            try await transaction { db in try await db.raw(plan.products(from: start, to: end)).run() }
            done += end - start
            progress(done, total, "products")
        }
        var messagesBefore = 0
        for start in stride(from: 0, to: sizes.sessions, by: chunkSize) {
            let end = min(sizes.sessions, start + chunkSize)
            let first = messagesBefore
            try await transaction { db in
                try await db.raw(plan.sessions(from: start, to: end)).run()
                try await db.raw(plan.messages(sessionsFrom: start, to: end, messagesBefore: first)).run()
            }
            let messages = plan.messageCount(sessionsFrom: start, to: end)
            messagesBefore += messages
            done += (end - start) + messages
            progress(done, total, "sessions and messages")
        }
    }

    struct Maxima: Sendable {
        var user: Int64
        var product: Int64
        var session: Int64
        var message: Int64
    }

    private static func currentMaxima(on db: any SQLDatabase) async throws -> Maxima {
        let row = try await db.raw(
            """
            SELECT COALESCE((SELECT MAX(id) FROM users), 0) AS u, COALESCE((SELECT MAX(id) FROM products), 0) AS p,
                COALESCE((SELECT MAX(id) FROM chat_sessions), 0) AS s, COALESCE((SELECT MAX(id)
                    FROM chat_messages), 0) AS m
            """
        ).first()
        guard let row else { return Maxima(user: 0, product: 0, session: 0, message: 0) }
        return Maxima(
            user: try row.int64("u"), product: try row.int64("p"), session: try row.int64("s"),
            message: try row.int64("m"))
    }
}

extension BenchSeeder {
    /// The SQL that generates each table. Row `n` (0-based) of each table becomes id `base + n + 1`.
    ///
    /// Users: the first tenth are vendors, the rest customers. Product `p` belongs to vendor `p % V`.
    /// Session `n` is about product `n % P` with the customer `(p * 7919 + n / P) % C`, so one
    /// product never has the same customer twice. Message counts come in pairs that add up to twice
    /// the average, so the total is exact, and vary from 1 to about twice the average. One in four
    /// sessions, chosen by a hash, ends with one to three unread messages. Messages alternate
    /// customer, vendor, ….
    struct Plan: Sendable {
        let sizes: Sizes
        let base: Maxima
        let now: Int64
        let engine: DatabaseEngine

        var vendors: Int { max(1, sizes.users / 10) }
        var customers: Int { sizes.users - vendors }
        var averageMessages: Int { sizes.sessions == 0 ? 0 : sizes.messages / sizes.sessions }
        var extraMessages: Int { sizes.sessions == 0 ? 0 : sizes.messages % sizes.sessions }

        static let day: Int64 = 86_400_000

        /// `0..<count` as rows of one column `n`, offset by `start`.
        func numbers(from start: Int, to end: Int) -> String {
            engine.dialect.numberSeries(from: start, to: end)
        }

        /// A CASE expression choosing `words[index % count]`; the words are constants of this file.
        static func pick(_ words: [String], _ index: String) -> String {
            let branches = words.enumerated().map {
                "WHEN \($0.offset) THEN '\($0.element.replacingOccurrences(of: "'", with: "''"))'"
            }
            return "(CASE ((\(index)) % \(words.count)) \(branches.joined(separator: " ")) END)"
        }

        /// A user's name as SQL, from the word lists as written or as search keys; the key of a
        /// name is the name made of its words' keys (checked by a test).
        func userName(folded: Bool) -> String {
            let word = { (words: [String]) in folded ? words.map(SearchKey.fold) : words }
            let first = Self.pick(word(Self.firstNames), "n")
            let last = Self.pick(word(Self.lastNames), "n / \(Self.firstNames.count)")
            let company = Self.pick(word(Self.companyWords), "n * 7")
            let trade = Self.pick(word(Self.tradeWords), "n / 3")
            return """
                CASE WHEN n < \(vendors) THEN \(company) || ' ' || \(trade) || ' ' || CAST(n AS TEXT)
                     ELSE \(first) || ' ' || \(last) END
                """
        }

        func users(from start: Int, to end: Int, hash: String) -> SQLQueryString {
            """
            INSERT INTO users (id, name, name_key, email, role, password_hash, created_at, updated_at)
            SELECT \(unsafeRaw: "\(base.user)") + n + 1, \(unsafeRaw: userName(folded: false)),
                \(unsafeRaw: userName(folded: true)),
                CASE WHEN n < \(unsafeRaw: "\(vendors)") THEN 'vendor' ELSE 'customer' END
                    || CAST(\(unsafeRaw: "\(base.user)") + n + 1 AS TEXT) || '@bench.parley.test',
                CASE WHEN n < \(unsafeRaw: "\(vendors)") THEN 'vendor' ELSE 'customer' END,
                \(bind: hash), \(unsafeRaw: "\(now - 400 * Self.day)"), \(unsafeRaw: "\(now - 400 * Self.day)")
            FROM \(unsafeRaw: numbers(from: start, to: end))
            """
        }

        func productName(folded: Bool) -> String {
            let word = { (words: [String]) in folded ? words.map(SearchKey.fold) : words }
            let adjective = Self.pick(word(Self.productAdjectives), "n")
            let material = Self.pick(word(Self.productMaterials), "n / 7")
            let noun = Self.pick(word(Self.productNouns), "n / 3")
            return "\(adjective) || ' ' || \(material) || ' ' || \(noun) || ' ' || CAST(n AS TEXT)"
        }

        func products(from start: Int, to end: Int) -> SQLQueryString {
            """
            INSERT INTO products (id, name, name_key, vendor_id, created_at, updated_at)
            SELECT \(unsafeRaw: "\(base.product)") + n + 1, \(unsafeRaw: productName(folded: false)),
                \(unsafeRaw: productName(folded: true)),
                \(unsafeRaw: "\(base.user)") + (n % \(unsafeRaw: "\(vendors)")) + 1,
                \(unsafeRaw: "\(now - 300 * Self.day)"), \(unsafeRaw: "\(now - 300 * Self.day)")
            FROM \(unsafeRaw: numbers(from: start, to: end))
            """
        }

        /// Message count of session `n` as SQL; mirrors ``messageCount(ofSession:)``.
        var countExpression: String {
            let avg = averageMessages
            let spread = avg > 0 ? "(((n / 2) * 2654435761) % 4294967296) % \(avg)" : "0"
            let pairs = sizes.sessions - sizes.sessions % 2
            return """
                (\(avg) + CASE WHEN n < \(extraMessages) THEN 1 ELSE 0 END
                 + CASE WHEN n >= \(pairs) THEN 0 WHEN n % 2 = 0 THEN \(spread) ELSE -(\(spread)) END)
                """
        }

        /// Unread messages at the end of session `n`, given its count.
        func unread(count: String) -> String {
            let minimum = engine.dialect.least
            // Bits 16 and up of a multiplicative hash: unlike n itself they share no pattern with the
            // product, customer and vendor numbers, so unread sessions spread over every vendor.
            let hash = "(((n * 2654435761) % 4294967296) / 65536)"
            return "(CASE WHEN \(hash) % 4 = 0 THEN \(minimum)(\(count), 1 + (\(hash) / 4) % 3) ELSE 0 END)"
        }

        func messageCount(ofSession n: Int) -> Int {
            let avg = averageMessages
            var count = avg + (n < extraMessages ? 1 : 0)
            if avg > 0, n < sizes.sessions - sizes.sessions % 2 {
                let spread = Int(((Int64(n / 2) * 2_654_435_761) % 4_294_967_296) % Int64(avg))
                count += n % 2 == 0 ? spread : -spread
            }
            return count
        }

        func messageCount(sessionsFrom start: Int, to end: Int) -> Int {
            (start..<end).reduce(0) { $0 + messageCount(ofSession: $1) }
        }

        func sessions(from start: Int, to end: Int) -> SQLQueryString {
            let p = "(n % \(sizes.products))"
            let customer = "((\(p) * 7919 + n / \(sizes.products)) % \(customers))"
            // Sessions start between 1 and 180 days ago; messages follow 1 to 61 minutes apart.
            let created = "(\(now) - \(Self.day) - ((n * 48271) % \(180 * Self.day)))"
            let gap = "(60000 + (n * 69621) % 3600000)"
            // customer_unread: unread messages sent by the vendor, i.e. at odd positions in [c - u, c).
            let sql = """
                INSERT INTO chat_sessions (id, product_id, customer_id, vendor_id, last_message_at, messages_count,
                    unread_count, customer_unread_count, vendor_unread_count, created_at, updated_at)
                SELECT \(base.session) + n + 1, \(base.product) + p + 1, \(base.user) + \(vendors) + cu + 1,
                    \(base.user) + (p % \(vendors)) + 1,
                    CASE WHEN c > 0 THEN cr + (c - 1) * g ELSE NULL END,
                    c, u, (c / 2) - ((c - u) / 2), u - ((c / 2) - ((c - u) / 2)),
                    cr, CASE WHEN c > 0 THEN cr + (c - 1) * g ELSE cr END
                FROM (
                    SELECT n, p, cu, c, cr, g, \(unread(count: "c")) AS u FROM (
                        SELECT n, \(p) AS p, \(customer) AS cu, \(countExpression) AS c, \(created) AS cr, \(gap) AS g
                        FROM \(numbers(from: start, to: end))
                    ) raw
                ) planned
                """
            return SQLQueryString(sql)
        }

        /// The messages of sessions `start..<end`, given how many the earlier sessions have.
        /// Their ids are written out (the `m`-th message overall gets `base + m + 1`), in session
        /// order and time order within a session, so no sort and no id generator is needed.
        func messages(sessionsFrom start: Int, to end: Int, messagesBefore: Int) -> SQLQueryString {
            let maxCount = 2 * averageMessages + 1
            let body = Self.pick(Self.messageBodies, "s.id + k")
            let firstID = base.session + Int64(start) + 1
            let lastID = base.session + Int64(end)
            let firstMessageID = base.message + Int64(messagesBefore) + 1
            // Message k of a session: customer at even k, vendor at odd k; the last u are unread.
            let sql = """
                INSERT INTO chat_messages (id, chat_session_id, sender_id, sender_role, body, read_at, created_at)
                SELECT s.first_id + k, s.id,
                    CASE WHEN k % 2 = 0 THEN s.customer_id ELSE s.vendor_id END,
                    CASE WHEN k % 2 = 0 THEN 'customer' ELSE 'vendor' END,
                    \(body),
                    CASE WHEN k >= s.messages_count - s.unread_count THEN NULL
                        ELSE s.created_at + k * s.gap + 30000 END,
                    s.created_at + k * s.gap
                FROM (
                    SELECT id, customer_id, vendor_id, messages_count, unread_count, created_at,
                        (last_message_at - created_at)
                            / (CASE WHEN messages_count > 1 THEN messages_count - 1 ELSE 1 END) AS gap,
                        \(firstMessageID) + CAST(SUM(messages_count) OVER (ORDER BY id) AS BIGINT) - messages_count
                            AS first_id
                    FROM chat_sessions WHERE id BETWEEN \(firstID) AND \(lastID)
                ) s
                \(engine.dialect.repeating(count: "s.messages_count", maximum: maxCount))
                """
            return SQLQueryString(sql)
        }

        static let firstNames = [
            "Ava", "Liam", "Noah", "Emma", "Olivia", "Mateo", "Sofia", "Lucas", "Amara", "Kenji", "Priya", "Jonas",
            "Chloé", "Daniel", "Leila", "Oliver", "Zanele", "Hana", "Ivan", "Fatima", "Diego", "Elena", "Tomás",
            "Aisha", "Yusuf", "Mila", "Arjun", "Nora", "Felix", "Ingrid", "Omar", "Rosa", "Sven", "Wei", "Yara",
            "Kofi", "Lena", "Marco", "Nadia", "Pavel",
        ]
        static let lastNames = [
            "Okafor", "Lindqvist", "Raman", "García", "Rossi", "Watanabe", "Martin", "Novak", "Haddad", "Bennett",
            "Dlamini", "Ferreira", "Kowalski", "Nguyen", "Schmidt", "Dubois", "Silva", "Tanaka", "Costa", "Jensen",
            "Moreau", "Petrov", "Yilmaz", "Kim", "Mensah", "O'Brien", "Larsen", "Ahmed", "Fischer", "Romano",
            "Sato", "Eriksen", "Popescu", "Hughes", "Varga", "Nowak", "Andersen", "Chen", "Mwangi", "Alvarez",
            "Singh", "Walsh", "Kaya", "Horvat", "Lopez", "Bauer", "Ito", "Murphy", "Santos", "Berg",
        ]
        static let companyWords = [
            "Harbor", "Lumen", "Fernwood", "Velo", "Kettle", "Northwind", "Cedar", "Atlas", "Juniper", "Copper",
            "Meadow", "Summit", "Tidal", "Ember", "Granite", "Willow",
        ]
        static let tradeWords = ["Outfitters", "Audio", "Ceramics", "Works", "Goods", "Supply", "Studio", "Co."]
        static let productAdjectives = [
            "Classic", "Compact", "Deluxe", "Ultralight", "Heritage", "Pro", "Everyday", "Vintage", "Modular",
            "Wireless", "Handmade", "Rugged", "Premium", "Essential",
        ]
        static let productMaterials = [
            "Walnut", "Merino", "Canvas", "Stoneware", "Titanium", "Leather", "Bamboo", "Cast Iron", "Linen",
            "Carbon", "Oak", "Copper",
        ]
        static let productNouns = [
            "Backpack", "Headphones", "Mug", "Tent", "Jacket", "Speaker", "Lamp", "Kettle", "Bike Frame",
            "Notebook", "Chair", "Watch", "Blanket", "Knife", "Turntable", "Planter", "Desk", "Camera Strap",
        ]
        static let messageBodies = [
            "Hi, is this still available?", "Yes, it ships within two days.", "Do you ship internationally?",
            "We ship to most of Europe and North America.", "What are the exact dimensions?",
            "I'll measure it and get back to you.", "Is there a warranty?", "Two years on parts and labour.",
            "Can I get a discount for two?", "Sure, 10% off the second one.", "Great, ordering now. Thanks!",
            "Thanks for your order!", "Mine arrived with a scratch.", "Sorry! A replacement is on its way.",
            "Which colour would you recommend?", "The dark one hides wear best.",
        ]
    }
}
