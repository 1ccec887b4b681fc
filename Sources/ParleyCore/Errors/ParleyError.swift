/// An error a caller caused and can act on. The HTTP layer maps ``kind`` to a status code
/// and shows ``message`` (beside ``field`` on a form).
public protocol ParleyError: Error, Sendable {
    var kind: ParleyErrorKind { get }
    /// A stable, machine-readable name such as `session_exists`.
    var code: String { get }
    /// The input at fault, when there is one.
    var field: String? { get }
    /// A sentence a person can act on.
    var message: String { get }
}

public enum ParleyErrorKind: Sendable, Equatable {
    case invalid
    case notFound
    case conflict
    case forbidden
}
