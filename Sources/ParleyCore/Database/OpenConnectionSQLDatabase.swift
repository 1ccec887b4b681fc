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
/// bind is of a type only PostgresKit's Codable layer can encode; then PostgresKit sends it. With
/// ``PostgresStatementNames``, a query with binds run from async code goes under its name, so
/// the connection prepares it once.
struct OpenConnectionSQLDatabase: SQLDatabase {
    let connection: PostgresConnection
    let database: any SQLDatabase
    let statementNames: PostgresStatementNames?

    init(_ connection: PostgresConnection, queryLogLevel: Logger.Level?, statementNames: PostgresStatementNames?) {
        self.connection = connection
        self.database = connection.sql(queryLogLevel: queryLogLevel)
        self.statementNames = statementNames
    }

    var logger: Logger { database.logger }
    var eventLoop: any EventLoop { database.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { database.version }
    var dialect: any SQLKit.SQLDialect { database.dialect }
    var queryLogLevel: Logger.Level? { database.queryLogLevel }

    func execute(
        sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void
    ) -> EventLoopFuture<Void> {
        let database = self.database
        let (sql, binds) = database.serialize(query)
        return execute(query, sql: sql, bindings: Self.bindings(binds)?.bindings, onRow)
    }

    /// `query` as `sql` with `bindings`, unnamed; PostgresKit's path when `bindings` is nil.
    private func execute(
        _ query: any SQLExpression, sql: String, bindings: PostgresBindings?,
        _ onRow: @escaping @Sendable (any SQLRow) -> Void
    ) -> EventLoopFuture<Void> {
        let connection = self.connection
        let database = self.database
        log(sql)
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

    private func log(_ sql: String) {
        if let queryLogLevel {
            database.logger.log(level: queryLogLevel, "Executing query", metadata: ["sql": "\(sql)"])
        }
    }

    /// The binds as PostgresNIO encodes them, with their types, or nil when one of them needs
    /// PostgresKit's Codable path.
    private static func bindings(
        _ binds: [any Encodable & Sendable]
    ) -> (bindings: PostgresBindings, types: [PostgresDataType])? {
        var bindings = PostgresBindings(capacity: binds.count)
        var types: [PostgresDataType] = []
        types.reserveCapacity(binds.count)
        for bind in binds {
            // The usual types first: a cast to a type is cheaper than a cast to a protocol.
            switch bind {
            case let value as Int64: bindings.append(value); types.append(.int8)
            case let value as String: bindings.append(value); types.append(.text)
            case let value as Int: bindings.append(value); types.append(Int.psqlType)
            case let value as Bool: bindings.append(value); types.append(.bool)
            default:
                if (bind as? any OptionalBind)?.isNone == true {
                    bindings.appendNull()
                    types.append(.null)
                } else if let value = bind as? any PostgresThrowingDynamicTypeEncodable {
                    do { try bindings.append(value) } catch { return nil }
                    types.append(value.psqlType)
                } else {
                    return nil
                }
            }
        }
        return (bindings, types)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = database.serialize(query)
        let encoded = Self.bindings(binds)
        guard let statementNames, let encoded, !binds.isEmpty,
            let name = statementNames.name(for: sql, types: encoded.types, on: connection)
        else {
            return try await execute(query, sql: sql, bindings: encoded?.bindings, onRow).get()
        }
        log(sql)
        let connection = self.connection
        // On the connection's thread, so that the check and the write happen in one turn of its
        // event loop (see above): PostgresNIO writes the statement before its first suspension.
        try await withTaskExecutorPreference(DatabaseThread.shared) {
            guard connection.eventLoop.inEventLoop else {
                return try await execute(query, sql: sql, bindings: encoded.bindings, onRow).get()
            }
            guard !connection.isClosed else {
                throw DatabaseUnreachable(description: "the PostgreSQL connection is closed")
            }
            do {
                for try await row in try await NamedStatement.run(
                    name, sql: sql, bindings: encoded.bindings, on: connection)
                {
                    onRow(PostgresFastRow(row))
                }
            } catch let error as PSQLError where PostgresStatementNames.mayComeFromPreparing(error) {
                statementNames.refuse(name, on: connection)
                throw error
            }
        }
    }
}

/// An optional bind, so that a nil one is written as NULL whatever its wrapped type.
private protocol OptionalBind {
    var isNone: Bool { get }
}

extension Optional: OptionalBind {
    var isNone: Bool { self == nil }
}
