import NIOConcurrencyHelpers
import PostgresNIO

/// Names for the statements Parley sends to PostgreSQL, so that each connection parses and plans a
/// statement once and then only binds and runs it.
///
/// Without names every execution is parsed, analysed and planned again. At 1,000 sends a second,
/// in batches of two or three, that was about half of the time PostgreSQL spent on statements
/// (`pg_stat_statements`, BENCHMARKS.md). A statement is known by its text and the types of its
/// binds, since a connection prepares it with the types of its first execution. The names are
/// the same on every connection (`parley_<n>`); each connection prepares one when first used.
///
/// A statement whose preparation failed on a connection (PostgresNIO then fails every later use
/// of that name on it) is sent unnamed on that connection from then on.
final class PostgresStatementNames: Sendable {
    /// Distinct statements named per database at most; later ones are sent unnamed. It bounds what
    /// each connection's server process keeps (a plan is a few kilobytes). The statements of sends,
    /// sign-ins and notifications come first, within seconds of start; the admin list's filter
    /// and sort combinations are most of the rest.
    static let capacity = 500
    /// Statements turned away on some connection, remembered at most; past it the list starts over.
    static let refusalLimit = 10_000

    private struct Key: Hashable {
        let sql: String
        let types: [UInt32]
    }

    private struct State {
        var names: [Key: String] = [:]
        var refused: Set<Refusal> = []
    }

    private struct Refusal: Hashable {
        let connection: ObjectIdentifier
        let name: String
    }

    private let state = NIOLockedValueBox(State())
    private let capacity: Int

    init(capacity: Int = PostgresStatementNames.capacity) {
        self.capacity = capacity
    }

    /// The name of `sql` with binds of `types` on `connection`, or nil to send it unnamed.
    func name(for sql: String, types: [PostgresDataType], on connection: PostgresConnection) -> String? {
        name(for: sql, types: types, connection: ObjectIdentifier(connection))
    }

    /// Sends the statement named `name` unnamed on `connection` from now on.
    func refuse(_ name: String, on connection: PostgresConnection) {
        refuse(name, connection: ObjectIdentifier(connection))
    }

    func name(for sql: String, types: [PostgresDataType], connection: ObjectIdentifier) -> String? {
        let key = Key(sql: sql, types: types.map(\.rawValue))
        return state.withLockedValue { state in
            let name: String
            if let known = state.names[key] {
                name = known
            } else {
                guard state.names.count < capacity else { return nil }
                name = "parley_\(state.names.count + 1)"
                state.names[key] = name
            }
            return state.refused.contains(Refusal(connection: connection, name: name)) ? nil : name
        }
    }

    func refuse(_ name: String, connection: ObjectIdentifier) {
        state.withLockedValue { state in
            if state.refused.count >= Self.refusalLimit { state.refused = [] }
            state.refused.insert(Refusal(connection: connection, name: name))
        }
    }

    /// Whether `error` may have come from preparing a statement rather than running it: PostgresNIO
    /// keeps such an error for the name, so the statement must not be sent under it again. Syntax
    /// and name errors (class 42), a transaction already failed (25P02), a plan whose result
    /// changed with the schema (0A000) and an unknown statement name (26000).
    static func mayComeFromPreparing(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("42") || ["25P02", "0A000", "26000"].contains(state)
    }
}
