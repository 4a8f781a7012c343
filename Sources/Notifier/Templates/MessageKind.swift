/// The emails the service sends to consumers.
public enum MessageKind: String, CaseIterable, Sendable {
    case confirmation, notice, cancellation

    /// The facts a message of this kind must show, checked on every language's templates at start.
    var requiresCancelLink: Bool { self != .cancellation }
}
