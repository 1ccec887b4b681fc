import Logging
import NIOCore
import PostgresKit
import SQLKit

/// A PostgreSQL connection's `SQLDatabase` that refuses to send a query once the connection is
/// closed.
///
/// PostgresNIO hands a query to its channel with no promise for the write itself, so a query
/// written after the channel has closed (the server ended the session: a restart, a fast
/// shutdown) is dropped without an answer and its caller waits forever. Here the check and the
/// write happen in one turn of the connection's event loop, so the channel cannot close in
/// between: a query either reaches the connection's state machine, which answers it, or fails.
///
/// Queries go to PostgresNIO directly, with their rows read through ``PostgresFastRow``, unless a
/// bind is of a type only PostgresKit's Codable layer can encode; then PostgresKit sends it.
struct OpenConnectionSQLDatabase: SQLDatabase {
    let connection: PostgresConnection
    let database: any SQLDatabase

    init(_ connection: PostgresConnection, queryLogLevel: Logger.Level?) {
        self.connection = connection
        self.database = connection.sql(queryLogLevel: queryLogLevel)
    }

    var logger: Logger { database.logger }
    var eventLoop: any EventLoop { database.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { database.version }
    var dialect: any SQLKit.SQLDialect { database.dialect }
    var queryLogLevel: Logger.Level? { database.queryLogLevel }

    func execute(
        sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void
    ) -> EventLoopFuture<Void> {
        let connection = self.connection
        let database = self.database
        let (sql, binds) = database.serialize(query)
        // Binds of other types than PostgresNIO encodes itself take PostgresKit's Codable path.
        let bindings = Self.bindings(binds)
        if let queryLogLevel {
            database.logger.log(level: queryLogLevel, "Executing query", metadata: ["sql": "\(sql)"])
        }
        return connection.eventLoop.flatSubmit {
            guard !connection.isClosed else {
                return connection.eventLoop.makeFailedFuture(
                    DatabaseUnreachable(description: "the PostgreSQL connection is closed"))
            }
            // On the event loop, the query is written before either call returns.
            guard let bindings else { return database.execute(sql: query, onRow) }
            return connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: connection.logger) {
                onRow(PostgresFastRow($0))
            }.map { _ in }
        }
    }

    /// The binds as PostgresNIO encodes them, or nil when one of them needs PostgresKit's Codable path.
    private static func bindings(_ binds: [any Encodable & Sendable]) -> PostgresBindings? {
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds {
            // The usual types first: a cast to a type is cheaper than a cast to a protocol.
            switch bind {
            case let value as Int64: bindings.append(value)
            case let value as String: bindings.append(value)
            case let value as Int: bindings.append(value)
            case let value as Bool: bindings.append(value)
            default:
                if (bind as? any OptionalBind)?.isNone == true {
                    bindings.appendNull()
                } else if let value = bind as? any PostgresThrowingDynamicTypeEncodable {
                    do { try bindings.append(value) } catch { return nil }
                } else {
                    return nil
                }
            }
        }
        return bindings
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await execute(sql: query, onRow).get()
    }
}

/// An optional bind, so that a nil one is written as NULL whatever its wrapped type.
private protocol OptionalBind {
    var isNone: Bool { get }
}

extension Optional: OptionalBind {
    var isNone: Bool { self == nil }
}
