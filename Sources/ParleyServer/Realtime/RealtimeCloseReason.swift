/// Why the hub closes sockets, with the close code a client acts on: chat switched off is the
/// policy (1008, do not retry until it is back on); a server stopping is going away (1001: another
/// instance, or this one restarted, takes the reconnection).
enum RealtimeCloseReason: String, Sendable {
    case chatDisabled = "chat_disabled"
    case serverShuttingDown = "server_shutting_down"
    /// An administrator banned the account: do not reconnect.
    case banned

    var isGoingAway: Bool { self == .serverShuttingDown }
}
