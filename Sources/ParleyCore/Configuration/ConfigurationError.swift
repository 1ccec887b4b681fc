/// A setting that is present but unusable; reported once at start-up.
public enum ConfigurationError: Error, CustomStringConvertible, Equatable {
    case invalid(name: String, reason: String)

    public var description: String {
        switch self {
        case .invalid(let name, let reason): "\(name) is not valid: \(reason)"
        }
    }
}
