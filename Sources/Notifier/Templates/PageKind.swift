/// The HTML pages consumers see when they follow the cancel link in an email.
public enum PageKind: String, CaseIterable, Sendable {
    /// The consent's terms and the button that cancels it.
    case cancel = "page-cancel"
    /// The cancellation, as recorded.
    case cancelled = "page-cancelled"
    /// The consent completed or expired: nothing left to cancel.
    case ended = "page-ended"
    /// A link that names no consent.
    case notFound = "page-not-found"
}
