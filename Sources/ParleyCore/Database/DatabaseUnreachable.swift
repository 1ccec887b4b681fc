import NIOCore
import NIOPosix
import PostgresKit
import SQLiteKit

/// The database did not answer: the server is down, restarting, refusing connections or out of
/// them. Nothing was written; the same request may succeed shortly, so callers answer 503.
public struct DatabaseUnreachable: Error, CustomStringConvertible {
    /// Seconds a client should wait before trying again.
    public static let retryAfter = 5

    public let description: String

    /// Whether `error` means the database could not be reached, as opposed to a query it refused.
    static func isUnreachable(_ error: any Error) -> Bool {
        switch error {
        case is DatabaseUnreachable, is NIOConnectionError, is ChannelError, is IOError:
            return true
        case let postgres as PSQLError:
            switch postgres.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
                return true
            case .server:
                // Connection exceptions (08…), operator intervention such as a shutdown (57P…),
                // and too many connections (53300).
                let state = postgres.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || state.hasPrefix("57P") || state == "53300"
            default:
                return false
            }
        case let sqlite as SQLiteError:
            return [.busy, .busyTimeout, .locked, .ioError].contains(sqlite.reason)
        default:
            return false
        }
    }
}
