import PostgresNIO

/// A statement run under a name (``PostgresStatementNames``) through PostgresNIO's prepared
/// statements, which prepare it on a connection's first use and only bind and run it after.
///
/// PostgresNIO takes a prepared statement's name and text from its type. Parley builds its
/// statements at run time, so the type reads both from a task-local value, set around the call
/// that starts the statement (``run(_:sql:bindings:on:)``), where PostgresNIO reads them.
struct NamedStatement: PostgresPreparedStatement {
    typealias Row = PostgresRow

    @TaskLocal private static var current = (name: "", sql: "")

    static var name: String { current.name }
    static var sql: String { current.sql }

    let bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }

    /// Starts `sql` under `name` on `connection`; the rows follow.
    static func run(
        _ name: String, sql: String, bindings: PostgresBindings, on connection: PostgresConnection
    ) async throws -> AsyncThrowingMapSequence<PostgresRowSequence, PostgresRow> {
        try await $current.withValue((name, sql)) {
            try await connection.execute(NamedStatement(bindings: bindings), logger: connection.logger)
        }
    }
}
