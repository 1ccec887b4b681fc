/// Why a webhook POST got no answer; its description is what the admin page shows.
public enum WebhookPostError: Error, CustomStringConvertible {
    case invalidAddress
    case connectFailed(String)
    case tlsUnavailable(String)
    case noAnswer(within: Duration)
    /// The receiver closed the connection before its answer was complete.
    case closedBeforeAnswer
    case failed(String)
    case shutDown

    public var description: String {
        switch self {
        case .invalidAddress: "the address is not an http or https URL"
        case .connectFailed(let reason): "could not connect: \(reason)"
        case .tlsUnavailable(let reason): "TLS could not be set up: \(reason)"
        case .noAnswer(let timeout): "no answer within \(timeout)"
        case .closedBeforeAnswer: "the receiver closed the connection before answering"
        case .failed(let reason): reason
        case .shutDown: "the server is shutting down"
        }
    }
}
