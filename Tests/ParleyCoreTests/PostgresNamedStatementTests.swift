import Foundation
@testable import ParleyCore
import ParleyTestSupport
import SQLKit
import Testing

/// Statements with binds go to PostgreSQL under a name, so a connection parses and plans each once
/// (``PostgresStatementNames``); `PARLEY_POSTGRES_NAMED_STATEMENTS=0` sends them unnamed.
@Suite("PostgreSQL's named statements")
struct PostgresNamedStatementTests {
    static func setting(_ environment: [String: String]) throws -> Bool {
        try ParleyConfiguration.fromEnvironment(environment).database.postgresNamedStatements
    }

    @Test func theSettingIsOnUnlessTurnedOff() throws {
        #expect(try Self.setting([:]))
        #expect(try Self.setting(["PARLEY_POSTGRES_NAMED_STATEMENTS": "1"]))
        #expect(try Self.setting(["PARLEY_POSTGRES_NAMED_STATEMENTS": "0"]) == false)
        #expect(throws: ConfigurationProblems.self) {
            try Self.setting(["PARLEY_POSTGRES_NAMED_STATEMENTS": "maybe"])
        }
    }

    /// A database of one connection, so that every call below uses the same one.
    static func withOneConnection(named: Bool = true, _ body: (Database) async throws -> Void) async throws {
        try await TestDatabase.withEmpty(configure: { $0.postgresNamedStatements = named }, body)
    }

    static let query = "SELECT CAST($1 AS BIGINT) + 1 AS answer"

    static func answer(_ value: Int64, _ db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("SELECT CAST(\(bind: value) AS BIGINT) + 1 AS answer").first()?
            .decode(column: "answer", as: Int64.self)
    }

    /// The connection's prepared statements with this text, by name.
    static func prepared(_ db: any SQLDatabase) async throws -> [String] {
        try await db.raw("SELECT name FROM pg_prepared_statements WHERE statement = \(bind: query)").all()
            .map { try $0.decode(column: "name", as: String.self) }
    }

    @Test(.enabled(if: TestDatabase.engine == .postgres))
    func aStatementIsPreparedOnceOnItsConnectionAndRunUnderItsName() async throws {
        try await Self.withOneConnection { database in
            #expect(try await database.read { try await Self.answer(1, $0) } == 2)
            #expect(try await database.read { try await Self.answer(41, $0) } == 42)
            let names = try await database.read(Self.prepared)
            #expect(names.count == 1)
            #expect(names.first?.hasPrefix("parley_") == true)
        }
    }

    @Test(.enabled(if: TestDatabase.engine == .postgres))
    func withTheSettingOffNothingIsPrepared() async throws {
        try await Self.withOneConnection(named: false) { (database: Database) async throws in
            #expect(try await database.read { try await Self.answer(1, $0) } == 2)
            #expect(try await database.read(Self.prepared).isEmpty)
        }
    }

    /// A connection prepares a statement with the types of its first binds, so the same text with
    /// binds of other types is a statement of its own.
    @Test(.enabled(if: TestDatabase.engine == .postgres))
    func theSameTextWithBindsOfAnotherTypeIsAStatementOfItsOwn() async throws {
        try await Self.withOneConnection { database in
            try await database.read { db in
                let number = try await db.raw("SELECT \(bind: Int64(7)) AS v").first()
                #expect(try number?.decode(column: "v", as: Int64.self) == 7)
                let text = try await db.raw("SELECT \(bind: "seven") AS v").first()
                #expect(try text?.decode(column: "v", as: String.self) == "seven")
                let none = try await db.raw("SELECT \(bind: String?.none) AS v").first()
                #expect(try none?.decodeNil(column: "v") == true)
            }
        }
    }

    /// PostgresNIO keeps a failed preparation's error for the name on that connection. A statement
    /// first met inside a transaction that had already failed must still run once that
    /// transaction is over.
    @Test(.enabled(if: TestDatabase.engine == .postgres))
    func aStatementWhosePreparationFailedRunsUnnamedAfterwards() async throws {
        try await Self.withOneConnection { database in
            try await database.read { db in
                try await db.raw("BEGIN").run()
                await #expect(throws: (any Error).self) { try await db.raw("SELECT 1 / \(bind: 0) AS x").run() }
                await #expect(throws: (any Error).self) { try await Self.answer(1, db) }
                try await db.raw("ROLLBACK").run()
                #expect(try await Self.answer(1, db) == 2)
                #expect(try await Self.answer(2, db) == 3)
            }
        }
    }
}

/// PostgreSQL plans a named statement again at each run while a plan for the parameters it is given
/// looks cheaper than its generic plan. A batch's statements hide their arrays' lengths
/// (``SQLDialect/rows(_:as:)``, ``SQLDialect/isOneOfBatch(_:_:)``), so that after its first runs
/// it keeps the generic plan, however small the batches.
@Suite("Plans of a batch's statements")
struct BatchStatementPlanTests {
    /// The generic and custom plans this connection made for the statements containing `text`.
    static func plans(containing text: String, _ db: any SQLDatabase) async throws -> (generic: Int64, custom: Int64) {
        let row = try await db.raw(
            """
            SELECT CAST(COALESCE(SUM(generic_plans), 0) AS BIGINT) AS generic,
                CAST(COALESCE(SUM(custom_plans), 0) AS BIGINT) AS custom
            FROM pg_prepared_statements WHERE strpos(statement, \(bind: text)) > 0
            """
        ).first()
        return (try row?.int64("generic") ?? 0, try row?.int64("custom") ?? 0)
    }

    static let sizes = [1, 2, 1, 3, 1, 1, 2, 1, 1, 1, 4, 1]

    @Test(.enabled(if: TestDatabase.engine == .postgres))
    func lockingABatchsSessionsKeepsTheGenericPlan() async throws {
        try await ChatTestContext.run { context in
            let plans = try await context.database.write { db in
                let sessions = ChatSessionRepository(db, engine: context.database.engine)
                for size in Self.sizes {
                    _ = try await sessions.readForSending(
                        ids: 1...Int64(size), reservingMessageIDs: size, locking: true)
                }
                return try await Self.plans(containing: "FROM chat_sessions WHERE id = ANY(", db)
            }
            #expect(plans.generic >= Int64(Self.sizes.count) - 5)
            #expect(plans.custom <= 5)
        }
    }

    @Test(.enabled(if: TestDatabase.engine == .postgres))
    func aStatementOnRowsKeepsTheGenericPlan() async throws {
        try await ChatTestContext.run { context in
            let dialect = context.database.engine.dialect
            // Shaped like the counters' update of a batch's sessions.
            let plans = try await context.database.write { db in
                for size in Self.sizes {
                    let ids = (1...Int64(size)).map { $0 }
                    let rows = dialect.rows([.int64("counted_id", ids), .int64("added", ids.map { _ in 0 })], as: "c")
                    _ = try await db.raw(
                        "UPDATE chat_sessions SET messages_count = messages_count + c.added FROM " + rows
                            + " WHERE chat_sessions.id = c.counted_id RETURNING chat_sessions.id"
                    ).all()
                }
                return try await Self.plans(containing: "WHERE chat_sessions.id = c.counted_id", db)
            }
            #expect(plans.generic >= Int64(Self.sizes.count) - 5)
            #expect(plans.custom <= 5)
        }
    }
}

/// A named statement runs on the database thread (``DatabaseThread``); the code that awaited it
/// must not stay there, or a request's page would be rendered on the thread the sends are written on.
@Suite("Named statements and the database thread")
struct NamedStatementThreadTests {
    @Test(.enabled(if: TestDatabase.engine == .postgres))
    func theCallerContinuesOffTheDatabaseThread() async throws {
        try await PostgresNamedStatementTests.withOneConnection { database in
            let answer = try await database.read { try await PostgresNamedStatementTests.answer(1, $0) }
            #expect(answer == 2)
            #expect(!DatabaseThread.shared.isCurrent)
            let (_, onDatabaseThread) = try await database.read { db in
                (try await PostgresNamedStatementTests.answer(2, db), DatabaseThread.shared.isCurrent)
            }
            #expect(!onDatabaseThread)
            // The check itself tells the thread apart.
            #expect(await Task(executorPreference: DatabaseThread.shared) { DatabaseThread.shared.isCurrent }.value)
        }
    }
}

/// How statements get their names, apart from any server.
@Suite("Statement names")
struct PostgresStatementNameRuleTests {
    final class Connection: Sendable {}
    /// Two connections alive for the whole test, so their identifiers differ.
    static let connections = (Connection(), Connection())
    static let a = ObjectIdentifier(connections.0)
    static let b = ObjectIdentifier(connections.1)

    @Test func theSameTextAndTypesKeepOneNameOnEveryConnection() {
        let names = PostgresStatementNames()
        let (a, b) = (Self.a, Self.b)
        let first = names.name(for: "SELECT $1", types: [.int8], connection: a)
        #expect(first == "parley_1")
        #expect(names.name(for: "SELECT $1", types: [.int8], connection: a) == first)
        #expect(names.name(for: "SELECT $1", types: [.int8], connection: b) == first)
        #expect(names.name(for: "SELECT $1", types: [.text], connection: a) == "parley_2")
        #expect(names.name(for: "SELECT $1 + 1", types: [.int8], connection: a) == "parley_3")
    }

    @Test func pastTheCapacityNewStatementsGoUnnamedAndKnownOnesKeepTheirNames() {
        let names = PostgresStatementNames(capacity: 2)
        let connection = Self.a
        #expect(names.name(for: "SELECT 1 WHERE $1", types: [.bool], connection: connection) == "parley_1")
        #expect(names.name(for: "SELECT 2 WHERE $1", types: [.bool], connection: connection) == "parley_2")
        #expect(names.name(for: "SELECT 3 WHERE $1", types: [.bool], connection: connection) == nil)
        #expect(names.name(for: "SELECT 1 WHERE $1", types: [.bool], connection: connection) == "parley_1")
    }

    @Test func aStatementRefusedOnOneConnectionKeepsItsNameOnOthers() throws {
        let names = PostgresStatementNames()
        let (a, b) = (Self.a, Self.b)
        let name = names.name(for: "SELECT $1", types: [.int8], connection: a)
        names.refuse(try #require(name), connection: a)
        #expect(names.name(for: "SELECT $1", types: [.int8], connection: a) == nil)
        #expect(names.name(for: "SELECT $1", types: [.int8], connection: b) == name)
    }
}
